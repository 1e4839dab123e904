/**
 * The service alone, for the RSS row of npm run bench: compiled to plain JS with esbuild and run
 * by node. Starts the service against the pin pad on the given line, takes N card payments,
 * prints {"rss":…,"heapUsed":…,"payments":…} as one JSON line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServiceApp } from '../../electron/service/app.js';

const [link, dataDir, countText] = process.argv.slice(2);
if (!link || !dataDir || !countText) {
  process.stderr.write('usage: rss-child <pin pad line> <data dir> <payments>\n');
  process.exit(2);
}
const count = Number(countText);
const configPath = join(dataDir, 'config.toml');
writeFileSync(configPath, `mode = "kiosk"\n[pinpad]\nport = "${link}"\nid = "00322346"\nqrSBP = true\n`);
const app = await startServiceApp({ dataDir, configPath });
const { service } = app;
for (let i = 0; i < count; i++) {
  const receipt = service.openReceipt({ lines: [{ name: 'Кофе с молоком', quantity: 1, amount: 15_000 }], total: 15_000 });
  const done = new Promise<string>((resolve) => {
    const listener = (event: { receiptId: string; phase: string; part?: { state: string } }): void => {
      if (event.receiptId === receipt.id && event.phase === 'done') {
        service.off('payment', listener);
        resolve(event.part?.state ?? 'none');
      }
    };
    service.on('payment', listener);
  });
  // Right after start the connection may still be opening: wait for it like a kiosk would.
  for (let attempt = 0; ; attempt++) {
    try {
      service.startPayment({ receiptId: receipt.id, method: 'card', amount: 15_000 });
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const state = await done;
  if (state !== 'APPROVED') throw new Error(`payment ${i} ended ${state}`);
}
await new Promise((r) => setTimeout(r, 200));
const memory = process.memoryUsage();
process.stdout.write(`${JSON.stringify({ rss: memory.rss, heapUsed: memory.heapUsed, payments: count })}\n`);
await app.stop();
