/** Entry point of `pinpad`: runs one command with the process streams and sets the exit code. */
import { runPinpad } from './pinpad.js';

process.exitCode = await runPinpad(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
});
