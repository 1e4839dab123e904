/**
 * npm run fuzz — hostile input against browser mode: raw HTTP request lines and bridge frames
 * (at least 10⁵ inputs by default), then a card payment in the same process. Options:
 * --http N, --frames N, --seed N.
 */
import { parseArgs } from 'node:util';
import { runHostileFuzz } from './hostile.js';

const { values } = parseArgs({ options: { http: { type: 'string' }, frames: { type: 'string' }, seed: { type: 'string' } }, strict: true });
const httpRuns = Number(values.http ?? 10_000);
const frameRuns = Number(values.frames ?? 100_000);
const startPid = process.pid;
const report = await runHostileFuzz({
  httpRuns,
  frameRuns,
  ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
  log: (line) => process.stdout.write(`  ${line}\n`),
});
const alive = report.pid === startPid && report.unhandled === 0;
process.stdout.write(
  `fuzz: ${report.inputs} inputs (${report.httpRequests} HTTP requests, ${report.frames} bridge frames), seed ${report.seed}\n` +
    `  HTTP statuses: ${JSON.stringify(report.statuses)}\n` +
    `  bridge replies: ${JSON.stringify(report.replies)}\n` +
    `  service ${alive ? 'alive' : 'NOT alive'} in process ${report.pid}; unhandled errors: ${report.unhandled}\n` +
    `  card payment afterwards: ${report.paymentState ?? 'none'}\n`,
);
process.exit(alive && report.paymentState === 'APPROVED' ? 0 : 1);
