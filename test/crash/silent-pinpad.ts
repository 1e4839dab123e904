/**
 * A restart with work left over and a pin pad that says nothing: a TCP "pin pad" that takes
 * every byte and never answers, and a data folder whose journal holds unknown parts (as a
 * crash leaves them). Used by the start regression test and the "restart → UI" bench row.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../electron/service/journal/journal.js';
import { loadProfile } from '../../native/inpas/profile.js';
import { PinpadDriver } from '../../native/inpas/driver.js';
import type { Session } from '../../native/inpas/session.js';

export interface SilentPinpad {
  readonly port: number;
  /** Bytes received so far (the requests the service sent). */
  received(): number;
  close(): Promise<void>;
}

export async function startSilentPinpad(): Promise<SilentPinpad> {
  const sockets = new Set<Socket>();
  let bytes = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => (bytes += chunk.length));
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return {
    port: address.port,
    received: () => bytes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Writes a kiosk configuration for the silent pin pad and a journal with `count` receipts, each
 * with one card part left UNKNOWN. Returns the configuration path and the receipt ids.
 */
export function seedUnknownParts(dir: string, port: number, count: number): { configPath: string; dataDir: string; receiptIds: string[] } {
  const dataDir = join(dir, 'data');
  const configPath = join(dir, 'kiosk.toml');
  writeFileSync(configPath, ['mode = "kiosk"', '[pinpad]', `tcp = "127.0.0.1:${port}"`, 'qrSBP = true', 'timeout = 60', ''].join('\n'));
  const journal = new Journal(join(dataDir, 'journal.sqlite'));
  // Only builds requests: never sends (no session behind it).
  const driver = new PinpadDriver({ session: {} as Session, profile: loadProfile(), terminalId: '00322346' });
  const receiptIds: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const receiptId = journal.createReceipt({ lines: [], total: 10_000 + i });
      const part = journal.createPart(
        { receiptId, kind: 'payment', method: i % 2 === 0 ? 'card' : 'sbp', amount: 10_000 + i, needsEcrNumber: true, businessDay: '2026-12-01' },
        (ecr) => driver.buildSale({ amount: 10_000 + i, ecrNumber: ecr!, method: i % 2 === 0 ? 'card' : 'sbp' }).toRecord(),
      );
      journal.transition(part.id, 'SENT', {}, 'sending');
      journal.transition(part.id, 'UNKNOWN', {}, 'sale-unknown', 'the app stopped while waiting for the answer');
      receiptIds.push(receiptId);
    }
  } finally {
    journal.close();
  }
  return { configPath, dataDir, receiptIds };
}
