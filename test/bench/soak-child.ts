/**
 * The service as browser mode runs it (service + WebSocket bridge), for the soak row of npm run
 * bench: compiled to plain JS with esbuild and run by `node --expose-gc`. The bench drives it over
 * the bridge like a kiosk screen or a POS core would, and the pin pad is on the given line.
 *
 * Prints `{"wsUrl":…}` once the bridge is up. Then reads commands from stdin, one a line:
 * `measure` → a forced GC, then `{"rss":…,"heapUsed":…,"fds":…}`; `stop` → stops and exits 0.
 *
 * The bridge and service are put together here as scripts/web.ts does (that module runs its own
 * main when it is the entry of a bundle, so it is not imported).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startBridge } from '../../electron/bridge/server.js';
import { createDispatcher } from '../../electron/ipc/dispatch.js';
import { startServiceApp } from '../../electron/service/app.js';
import { createHandlers, subscribeServiceEvents } from '../../electron/service/handlers.js';

const [link, dataDir, maxSizeMB, terminalId] = process.argv.slice(2);
// The bridge token the bench presents (loopback only), from the environment rather than argv.
const token = process.env['SOAK_BRIDGE_TOKEN'];
if (!link || !dataDir || !maxSizeMB || !terminalId || !token) {
  process.stderr.write('usage: SOAK_BRIDGE_TOKEN=… soak-child <pin pad line> <data dir> <logs.maxSizeMB> <terminal id>\n');
  process.exit(2);
}
const configPath = join(dataDir, 'config.toml');
writeFileSync(
  configPath,
  `mode = "kiosk"\n[pinpad]\nport = "${link}"\nid = "${terminalId}"\nqrSBP = true\n` + `[logs]\nmaxSizeMB = ${maxSizeMB}\nretentionDays = 1\ntrace = true\n`,
);
const app = await startServiceApp({ dataDir, configPath });
const bridge = await startBridge({
  port: 0,
  token,
  dispatch: createDispatcher(createHandlers(app), (line, data) => app.logger.warn({ ...data }, line)),
  subscribe: (emit) => subscribeServiceEvents(app, emit),
  log: (line, data) => app.logger.warn({ ...data }, line),
});
const say = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
say({ wsUrl: bridge.wsUrl });

const gc = (globalThis as { gc?: () => void }).gc;
for await (const command of createInterface({ input: process.stdin })) {
  if (command === 'measure') {
    gc?.();
    await new Promise((r) => setTimeout(r, 200));
    gc?.();
    const memory = process.memoryUsage();
    say({
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      fds: readdirSync('/proc/self/fd').length,
      gc: gc !== undefined,
    });
  } else if (command === 'stop') {
    break;
  }
}
await bridge.close();
await app.stop();
process.exit(0);
