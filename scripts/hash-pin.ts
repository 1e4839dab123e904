/**
 * npm run hash-pin — prints the hashed form of a service PIN for the configuration's
 * [service] pinHash. The PIN is read from standard input so it stays out of the shell history.
 */
import { createInterface } from 'node:readline/promises';
import { hashPin, SERVICE_PIN } from '../electron/service/config/config.js';

const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
const pin = (await rl.question('Service PIN (4–12 digits): ')).trim();
rl.close();
if (!SERVICE_PIN.test(pin)) {
  process.stderr.write('a service PIN is 4 to 12 digits\n');
  process.exit(2);
}
process.stdout.write(`[service]\npinHash = "${hashPin(pin)}"\n`);
