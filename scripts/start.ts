/**
 * npm start — until the kiosk app lands, this runs the built-in pin-pad emulator on a
 * pseudo-terminal, checks the link with a connection test, and tells how to drive it.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startEmulatorCli } from '../native/cli/emulator.js';
import { runPinpad } from '../native/cli/pinpad.js';

const stateDir = join(process.cwd(), '.state');
mkdirSync(stateDir, { recursive: true });
const port = join(stateDir, 'ttyPINPAD');
const host = await startEmulatorCli(['--pty', port, '--ledger', join(stateDir, 'emulator-ledger.json'), '--quiet'], {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
if (typeof host === 'number') {
  process.exit(host);
}
const shown = relative(process.cwd(), port);
const code = await runPinpad(['--port', port, '--state-dir', stateDir, 'test'], {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
});
process.stdout.write(`
The emulated pin pad is at ${shown} (connection test exit code ${code}). In another terminal:
  npx pinpad --port ${shown} --state-dir .state --terminal-id 00322346 sale 100.00
  npx pinpad --port ${shown} --state-dir .state sale 250.00 --qr
  npx pinpad --port ${shown} --state-dir .state --json report --full
Press Ctrl-C to stop.
`);
const stop = (): void => {
  void host.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
