/**
 * The one stop sequence of Electron and browser mode: drain (no new money; what is at the pin pad
 * reaches its final answer and the journal while the bridge and the window stay up), then close
 * the bindings, then the service. Requested any number of times (SIGTERM to the whole process
 * group, npm and tsx forwarding it again, a quit after a signal): one sequence runs, every request
 * gets the same promise. SIGKILL is the immediate stop; recovery at the next start handles it.
 */
import type { ServiceApp } from '../app.js';
import type { DrainOutcome } from './drain.js';
import type { Supervisor } from './supervisor.js';

/** Extra time systemd is asked for beyond the drain: closing the bridge, the pin pad link and the journal. */
const CLOSE_MARGIN_MS = 15_000;

export interface ShutdownOptions {
  readonly app: Pick<ServiceApp, 'drain' | 'drainLimitMs' | 'stop' | 'logger'> & { readonly service: { readonly operations: { readonly count: number } } };
  /** Closes the bindings (bridge, IPC) once drained, before the service closes. */
  readonly closeBindings?: () => Promise<void>;
  readonly supervisor?: Supervisor | undefined;
}

export interface Shutdown {
  /** Starts the stop (once); resolves when everything is closed. */
  request(reason: string): Promise<DrainOutcome>;
  /** True once a stop was requested. */
  readonly requested: boolean;
  /** True once everything is closed. */
  readonly done: boolean;
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const { app } = options;
  let running: Promise<DrainOutcome> | undefined;
  let done = false;
  const sequence = async (reason: string): Promise<DrainOutcome> => {
    const atPinpad = app.service.operations.count;
    void options.supervisor?.stopping(
      atPinpad > 0 ? `Stopping (${reason}): finishing ${atPinpad} operation(s) at the pin pad` : `Stopping (${reason})`,
      app.drainLimitMs + CLOSE_MARGIN_MS,
    );
    const outcome = await app.drain(reason);
    try {
      await options.closeBindings?.();
    } catch (error) {
      app.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'closing the bindings failed');
    }
    options.supervisor?.close();
    await app.stop();
    done = true;
    return outcome;
  };
  return {
    request(reason) {
      if (running) {
        app.logger.info({ reason }, 'stop requested again: the drain goes on');
        return running;
      }
      running = sequence(reason);
      return running;
    },
    get requested() {
      return running !== undefined;
    },
    get done() {
      return done;
    },
  };
}

type SignalTarget = Pick<NodeJS.Process, 'on' | 'off'>;

/**
 * SIGTERM and SIGINT start the stop; while handlers are installed, a repeated signal cannot end the
 * process early (Node's default action is replaced). Returns the uninstall.
 */
export function onStopSignals(target: SignalTarget, request: (reason: string) => void, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
  const handlers = signals.map((signal) => {
    const handler = (): void => request(signal);
    target.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) target.off(signal, handler);
  };
}
