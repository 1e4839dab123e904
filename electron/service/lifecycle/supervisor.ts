/**
 * Talking to systemd (`Type=notify`, `NotifyAccess=all`, `WatchdogSec=`): READY=1 once the service
 * and its bindings are up, WATCHDOG=1 while the event loop runs on time and the journal answers
 * (the pin pad's state does not matter: a kiosk with its pin pad unplugged is alive), STOPPING=1
 * and EXTEND_TIMEOUT_USEC= when a drain begins, STATUS= lines for `systemctl status`.
 *
 * Outside systemd (no NOTIFY_SOCKET) nothing here runs. The sender, the clock and the health probe
 * are passed in, so that the tests drive every path without systemd.
 */
import { execFile } from 'node:child_process';

/** Sends one notification (a list of VARIABLE=VALUE fields); rejects when it could not be sent. */
export type NotifySend = (fields: readonly string[]) => Promise<void>;

export type ExecFile = (
  file: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; timeout: number },
  done: (error: Error | null) => void,
) => void;

/**
 * The sender: systemd's own `systemd-notify` tool. Node has no AF_UNIX datagram sockets, and the
 * npm packages that add them (`sd-notify`, `unix-dgram`) are native addons built at install time
 * against libsystemd headers — one more native module to rebuild for every Electron, for one
 * message every 15 s. `systemd-notify` ships with systemd itself, so it is there wherever the
 * notification can be received. It is run without `--pid`: that option announces a new main PID,
 * and under `cage` the main PID must stay cage's (NotifyAccess=all lets our messages through).
 * Without `--no-block` it waits until systemd has read the message, so that the short-lived
 * sender is still alive to be attributed to the unit.
 */
export function systemdNotify(socketPath: string, run: ExecFile = execFile as unknown as ExecFile): NotifySend {
  return (fields) =>
    new Promise((resolve, reject) => {
      run('systemd-notify', [...fields], { env: { ...process.env, NOTIFY_SOCKET: socketPath }, timeout: 5000 }, (error) => (error ? reject(error) : resolve()));
    });
}

export interface SupervisorClock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const REAL_CLOCK: SupervisorClock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface SupervisorOptions {
  readonly send: NotifySend;
  /** WATCHDOG_USEC: systemd's watchdog interval, µs; undefined = no watchdog. */
  readonly watchdogUsec: number | undefined;
  /** Throws when the journal does not answer (ServiceApp.probeJournal). */
  probe(): void;
  readonly clock?: SupervisorClock;
  /** A tick later than this, ms, means the event loop was stuck: no ping (default: the ping interval). */
  readonly maxLagMs?: number;
  log?(line: string, data?: Record<string, unknown>): void;
}

/** Tells systemd how the app is. Every method is safe to call more than once; failures to send are logged, never thrown. */
export class Supervisor {
  readonly pingEveryMs: number | undefined;
  readonly #options: SupervisorOptions;
  readonly #clock: SupervisorClock;
  #timer: unknown;
  #lastTick = 0;
  #sending = false;
  #readySent = false;
  #stoppingSent = false;
  #closed = false;
  /** Why the last tick did not ping (undefined when it did): for logs and tests. */
  lastWithheld: string | undefined;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? REAL_CLOCK;
    this.pingEveryMs = options.watchdogUsec !== undefined && options.watchdogUsec > 0 ? Math.max(1, Math.floor(options.watchdogUsec / 2000)) : undefined;
  }

  #send(fields: readonly string[]): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#options.send(fields).catch((error: unknown) => {
      this.#options.log?.('systemd notification not sent', { fields: fields.join(' '), error: error instanceof Error ? error.message : String(error) });
    });
  }

  /** READY=1 (once), then the watchdog pings begin. */
  ready(status: string): Promise<void> {
    if (this.#readySent) return Promise.resolve();
    this.#readySent = true;
    this.#startWatchdog();
    return this.#send(['READY=1', `STATUS=${status}`]);
  }

  status(text: string): Promise<void> {
    return this.#send([`STATUS=${text}`]);
  }

  /** STOPPING=1 (once) and more time to stop: the drain may take up to `extendMs`. */
  stopping(status: string, extendMs: number): Promise<void> {
    const fields = [`EXTEND_TIMEOUT_USEC=${Math.ceil(extendMs) * 1000}`, `STATUS=${status}`];
    if (!this.#stoppingSent) fields.unshift('STOPPING=1');
    this.#stoppingSent = true;
    return this.#send(fields);
  }

  #startWatchdog(): void {
    if (this.pingEveryMs === undefined || this.#timer !== undefined) return;
    this.#lastTick = this.#clock.now();
    this.#timer = this.#clock.setInterval(() => void this.tick(), this.pingEveryMs);
  }

  /** One watchdog tick (the interval calls it): pings only when the loop ran on time and the journal answered. */
  async tick(): Promise<boolean> {
    const now = this.#clock.now();
    const lag = now - this.#lastTick - (this.pingEveryMs ?? 0);
    this.#lastTick = now;
    const maxLag = this.#options.maxLagMs ?? this.pingEveryMs ?? 0;
    if (lag > maxLag) return this.#withhold(`the event loop was stuck for ${lag} ms`);
    try {
      this.#options.probe();
    } catch (error) {
      return this.#withhold(`the journal does not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (this.#sending) return this.#withhold('the last ping is still being sent');
    this.lastWithheld = undefined;
    this.#sending = true;
    try {
      await this.#send(['WATCHDOG=1']);
    } finally {
      this.#sending = false;
    }
    return true;
  }

  #withhold(reason: string): false {
    if (this.lastWithheld !== reason) {
      this.#options.log?.('watchdog ping withheld', { reason });
      void this.#send([`STATUS=Unwell: ${reason}`]);
    }
    this.lastWithheld = reason;
    return false;
  }

  /** Stops the pings (at the very end of a stop). */
  close(): void {
    if (this.#timer !== undefined) this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.#closed = true;
  }
}

/**
 * The supervisor when systemd asked for notifications (NOTIFY_SOCKET set), else undefined.
 * WATCHDOG_PID is not checked: it names cage, the unit's main process, and NotifyAccess=all
 * accepts our pings all the same.
 */
export function supervisorFromEnv(
  env: NodeJS.ProcessEnv,
  probe: () => void,
  log: (line: string, data?: Record<string, unknown>) => void,
  send?: NotifySend,
): Supervisor | undefined {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return undefined;
  const usec = env.WATCHDOG_USEC !== undefined ? Number(env.WATCHDOG_USEC) : undefined;
  return new Supervisor({
    send: send ?? systemdNotify(socket),
    watchdogUsec: usec !== undefined && Number.isSafeInteger(usec) && usec > 0 ? usec : undefined,
    probe,
    log,
  });
}
