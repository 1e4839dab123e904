/** Entry point of `pinpad-emulator`: runs it until SIGINT or SIGTERM. */
import { startEmulatorCli } from './emulator.js';

const result = await startEmulatorCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
if (typeof result === 'number') {
  process.exitCode = result;
} else {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void result.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
