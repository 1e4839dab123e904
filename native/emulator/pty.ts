/** Linked pseudo-terminals made by socat, so the emulator sits on a device path a driver opens like /dev/ttyS39. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Ends the socat a killed process left behind on this link (its pid file names it; the process's
 * command line must still name the link, so a reused pid is never hit).
 */
function endLeftover(pidFile: string, linkPath: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  try {
    if (Number.isInteger(pid) && pid > 1 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`link=${linkPath}`)) process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
  rmSync(pidFile, { force: true });
}

/**
 * A pair of linked pseudo-terminals made by socat: `linkPath` is what a driver opens (like
 * /dev/ttyS39), `devicePath` is the emulator's end. Stopping socat removes both links, which
 * is what a pulled USB cable looks like to the driver.
 */
export class PseudoTerminalPair {
  readonly linkPath: string;
  readonly devicePath: string;
  readonly #dir: string;
  #child: ChildProcess | undefined;

  constructor(linkPath: string) {
    this.linkPath = linkPath;
    this.#dir = mkdtempSync(join(tmpdir(), 'pinpad-emulator-'));
    this.devicePath = join(this.#dir, 'terminal');
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null;
  }

  async start(timeoutMs = 5000): Promise<void> {
    if (this.running) return;
    if (existsSync(this.linkPath) && !isLink(this.linkPath)) {
      throw new Error(`${this.linkPath} exists and is not a symbolic link; refusing to replace it`);
    }
    endLeftover(this.#pidFile, this.linkPath);
    if (isLink(this.linkPath)) unlinkSync(this.linkPath);
    // Its own process group: a stop signal sent to the app's whole group (Ctrl-C, systemd) must
    // not pull the "cable" while the app drains the payment at the pin pad; the app ends socat
    // itself when it stops, and the pid file lets the next start end one a killed app left.
    const child = spawn('socat', [`pty,raw,echo=0,link=${this.linkPath}`, `pty,raw,echo=0,link=${this.devicePath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    this.#child = child;
    if (child.pid !== undefined) writeFileSync(this.#pidFile, `${child.pid}\n`);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const spawnError = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`cannot start socat (is it installed? apt-get install socat): ${error.message}`)));
      child.once('exit', (code) => reject(new Error(`socat exited with code ${code}: ${stderr.trim()}`)));
    });
    const ready = (async () => {
      const deadline = Date.now() + timeoutMs;
      while (!(isLink(this.linkPath) && isLink(this.devicePath))) {
        if (Date.now() > deadline) throw new Error(`socat did not create ${this.linkPath} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await Promise.race([ready, spawnError]);
    spawnError.catch(() => undefined);
  }

  /** Removes the pseudo-terminal, as a pulled cable would. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      });
    }
    for (const path of [this.linkPath, this.devicePath]) if (isLink(path)) unlinkSync(path);
    rmSync(this.#pidFile, { force: true });
  }

  get #pidFile(): string {
    return `${this.linkPath}.socat.pid`;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
