import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ECR_NUMBER } from '../../../native/inpas/driver.js';
import { Journal, receiptView } from '../../../electron/service/journal/journal.js';
import { JOURNAL_SCHEMA_VERSION } from '../../../electron/service/journal/migrations.js';
import type { Part } from '../../../electron/service/journal/part-lifecycle.js';
import { FrameDecoder } from '../../../native/inpas/codec.js';
import { Tag } from '../../../native/inpas/tags.js';
import { useServiceRigs } from '../rig.js';

const { rig: makeRig, tempDir } = useServiceRigs();

function newPart(journal: Journal, receiptId: string, needsEcrNumber = true): Part {
  return journal.createPart({ receiptId, kind: 'payment', method: 'card', amount: 100, needsEcrNumber, businessDay: '2026-03-10' });
}

describe('till transaction numbers (field 26)', () => {
  it('are taken in increasing order and never repeat, whatever takes them', () => {
    const journal = new Journal(':memory:');
    try {
      const receiptId = journal.createReceipt({ lines: [], total: 1_000_000 });
      const seen: number[] = [];
      for (let i = 0; i < 20; i++) {
        if (i % 3 === 0) seen.push(journal.nextEcrNumber());
        else seen.push(newPart(journal, receiptId).ecrNumber!);
      }
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(new Set(seen).size).toBe(seen.length);
      // A cash part takes none.
      expect(newPart(journal, receiptId, false).ecrNumber).toBeUndefined();
      expect(journal.nextEcrNumber()).toBe(seen.at(-1)! + 1);
    } finally {
      journal.close();
    }
  });

  it('continue after the journal file is closed and opened again (a restart)', () => {
    const path = join(tempDir(), 'journal.db');
    const first = new Journal(path);
    const receiptId = first.createReceipt({ lines: [], total: 1000 });
    const before = [newPart(first, receiptId).ecrNumber!, first.nextEcrNumber(), newPart(first, receiptId).ecrNumber!];
    first.close();
    const second = new Journal(path);
    try {
      const after = [newPart(second, receiptId).ecrNumber!, second.nextEcrNumber()];
      expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
      expect(new Set([...before, ...after]).size).toBe(5);
      expect(second.partsOf(receiptId)).toHaveLength(3);
    } finally {
      second.close();
    }
  });

  it('wrap after 999999 to 1 and skip numbers still held by parts', () => {
    const journal = new Journal(':memory:');
    try {
      const receiptId = journal.createReceipt({ lines: [], total: 1000 });
      expect(newPart(journal, receiptId).ecrNumber).toBe(1);
      expect(newPart(journal, receiptId).ecrNumber).toBe(2);
      journal.db.prepare('UPDATE ecr_counter SET last = ? WHERE id = 1').run(MAX_ECR_NUMBER - 2);
      expect(newPart(journal, receiptId).ecrNumber).toBe(MAX_ECR_NUMBER - 1);
      expect(newPart(journal, receiptId).ecrNumber).toBe(MAX_ECR_NUMBER);
      // 1 and 2 belong to parts of this journal: the next free number is 3.
      expect(newPart(journal, receiptId).ecrNumber).toBe(3);
      expect(journal.nextEcrNumber()).toBe(4);
      const all = journal.partsOf(receiptId).map((p) => p.ecrNumber);
      expect(new Set(all).size).toBe(all.length);
      expect(Math.max(...(all as number[]))).toBeLessThanOrEqual(MAX_ECR_NUMBER);
    } finally {
      journal.close();
    }
  });

  it('a number used by a part is refused a second time by the schema itself', () => {
    const journal = new Journal(':memory:');
    try {
      const receiptId = journal.createReceipt({ lines: [], total: 1000 });
      const part = newPart(journal, receiptId);
      journal.db.prepare('UPDATE ecr_counter SET last = ? WHERE id = 1').run(part.ecrNumber! - 1);
      // The counter would hand out the same number: it skips it instead.
      expect(newPart(journal, receiptId).ecrNumber).not.toBe(part.ecrNumber);
      expect(() => journal.db.prepare('UPDATE parts SET ecr_number = ? WHERE id != ?').run(part.ecrNumber, part.id)).toThrow(/UNIQUE/);
    } finally {
      journal.close();
    }
  });
});

describe('the journal database', () => {
  it('runs its migrations once and records the schema version in user_version', () => {
    const path = join(tempDir(), 'journal.db');
    const journal = new Journal(path);
    expect(journal.schemaVersion).toBe(JOURNAL_SCHEMA_VERSION);
    expect(journal.db.pragma('user_version', { simple: true })).toBe(JOURNAL_SCHEMA_VERSION);
    const tables = (journal.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map(
      (t) => t.name,
    );
    expect(tables).toEqual(expect.arrayContaining(['audit', 'ecr_counter', 'late_watches', 'parts', 'receipts']));
    const id = journal.createReceipt({ lines: [{ name: 'Хлеб', quantity: 1, amount: 5000 }], total: 5000 });
    journal.close();
    // Opening again does not run the migration a second time (it would fail on existing tables) and keeps the data.
    const again = new Journal(path);
    try {
      expect(again.schemaVersion).toBe(JOURNAL_SCHEMA_VERSION);
      expect(again.getReceiptRow(id)).toMatchObject({ total: 5000, state: 'open', lines: [{ name: 'Хлеб', quantity: 1, amount: 5000 }] });
    } finally {
      again.close();
    }
  });

  it('is durable: WAL and synchronous = FULL', () => {
    const journal = new Journal(join(tempDir(), 'sub', 'dir', 'journal.db'));
    try {
      expect(journal.db.pragma('journal_mode', { simple: true })).toBe('wal');
      // 2 = FULL
      expect(journal.db.pragma('synchronous', { simple: true })).toBe(2);
      expect(journal.db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      journal.close();
    }
  });

  it('stores the exact request with the part, and scrubs card numbers from texts', () => {
    const journal = new Journal(':memory:');
    try {
      const receiptId = journal.createReceipt({ lines: [], total: 1000 });
      const part = journal.createPart({ receiptId, kind: 'payment', method: 'card', amount: 1000, needsEcrNumber: true, businessDay: '2026-03-10' }, (ecr) => ({
        0: '1000',
        25: '1',
        26: String(ecr),
      }));
      expect(journal.partRequest(part.id)).toEqual({ 0: '1000', 25: '1', 26: String(part.ecrNumber) });
      journal.transition(part.id, 'SENT');
      const done = journal.transition(part.id, 'APPROVED', { text: 'КАРТА 4111111111111111 ОДОБРЕНО', rrn: '000000000001' });
      expect(done.text).not.toContain('4111111111111111');
      expect(JSON.stringify(journal.audit({ partId: part.id }))).not.toContain('4111111111111111');
    } finally {
      journal.close();
    }
  });

  it('receiptView: paid counts approved payments less approved refunds; an unresolved part blocks', () => {
    const journal = new Journal(':memory:');
    try {
      const receiptId = journal.createReceipt({ lines: [], total: 1000 });
      const a = journal.createPart({ receiptId, kind: 'payment', method: 'card', amount: 600, needsEcrNumber: true, businessDay: 'd' });
      journal.transition(a.id, 'SENT');
      journal.transition(a.id, 'APPROVED', { rrn: '1' });
      const b = journal.createPart({ receiptId, kind: 'payment', method: 'card', amount: 300, needsEcrNumber: true, businessDay: 'd' });
      journal.transition(b.id, 'SENT');
      journal.transition(b.id, 'DECLINED');
      const r = journal.createPart({
        receiptId,
        kind: 'refund',
        method: 'card',
        how: 'void',
        refundOf: a.id,
        amount: 100,
        needsEcrNumber: true,
        businessDay: 'd',
      });
      journal.transition(r.id, 'SENT');
      journal.transition(r.id, 'APPROVED');
      let view = receiptView(journal, receiptId)!;
      expect(view).toMatchObject({ paid: 500, remaining: 500, refunded: 100, blockedReason: undefined });
      expect(journal.getPart(a.id)!.refunded).toBe(100);
      const c = journal.createPart({ receiptId, kind: 'payment', method: 'card', amount: 200, needsEcrNumber: true, businessDay: 'd' });
      journal.transition(c.id, 'SENT');
      journal.transition(c.id, 'UNKNOWN');
      view = receiptView(journal, receiptId)!;
      expect(view.paid).toBe(500);
      expect(view.blockedReason).toContain(c.id);
      expect(receiptView(journal, 'no-such')).toBeUndefined();
    } finally {
      journal.close();
    }
  });
});

describe('journal before send', () => {
  it.each(['card', 'sbp'] as const)(
    '%s: the part is committed as SENT with its till number and request before the first byte goes to the pin pad',
    async (method) => {
      const dir = tempDir();
      const rig = makeRig({ journalPath: join(dir, 'journal.db') });
      const receipt = rig.service.openReceipt({ lines: [], total: 10_000 });
      // A second connection to the same file sees only what is committed.
      const reader = new Journal(join(dir, 'journal.db'));
      const seenAtFirstByte: Array<{
        state: string;
        ecr: number | undefined;
        request: Record<string, string> | undefined;
        frameEcr: number | undefined;
        frameOp: number | undefined;
      }> = [];
      const originalWrite = rig.till.write.bind(rig.till);
      let first = true;
      rig.till.write = async (data: Uint8Array): Promise<void> => {
        if (first && data.length > 1) {
          first = false;
          const frames = new FrameDecoder().push(Buffer.from(data)).filter((e) => e.type === 'frame');
          const message = frames[0]?.type === 'frame' ? frames[0].message : undefined;
          const parts = reader.partsOf(receipt.id);
          expect(parts).toHaveLength(1);
          seenAtFirstByte.push({
            state: parts[0]!.state,
            ecr: parts[0]!.ecrNumber,
            request: reader.partRequest(parts[0]!.id),
            frameEcr: message?.int(Tag.ecrNumber),
            frameOp: message?.int(Tag.operation),
          });
        }
        return originalWrite(data);
      };
      try {
        const { paymentId } = rig.service.startPayment({ receiptId: receipt.id, method, amount: 10_000 });
        // startPayment returns once the intent is journaled.
        expect(reader.getPart(paymentId)?.state).toMatch(/^(INTENT|SENT)$/);
        expect(reader.partRequest(paymentId)).toBeDefined();
        const done = await rig.settled(paymentId);
        expect(done.state).toBe('APPROVED');
        expect(seenAtFirstByte).toHaveLength(1);
        const seen = seenAtFirstByte[0]!;
        expect(seen.state).toBe('SENT');
        expect(seen.ecr).toBe(done.ecrNumber);
        expect(seen.frameEcr).toBe(done.ecrNumber);
        expect(seen.frameOp).toBe(method === 'card' ? rig.profile.operations.sale : rig.profile.sbp.payment.operation);
        // The stored request is exactly what went out (apart from nothing).
        expect(seen.request?.[String(Tag.ecrNumber)]).toBe(String(done.ecrNumber));
        expect(seen.request?.[String(Tag.amount)]).toBe('10000');
        expect(rig.received[0]!.toRecord()).toEqual(Object.fromEntries(Object.entries(seen.request!).map(([k, v]) => [Number(k), v])));
      } finally {
        reader.close();
      }
    },
  );
});

describe('journal before send, every money frame', () => {
  it('sales, voids and refunds: at the moment a money frame is written its part is SENT in the journal with that exact request', async () => {
    const dir = tempDir();
    const rig = makeRig({ journalPath: join(dir, 'journal.db') });
    const reader = new Journal(join(dir, 'journal.db'));
    const moneyOps = new Set([
      rig.profile.operations.sale,
      rig.profile.sbp.payment.operation,
      rig.profile.operations.void,
      rig.profile.operations.refund,
      rig.profile.sbp.refund.operation,
    ]);
    const checked: Array<{ op: number; state: string | undefined; sameRequest: boolean }> = [];
    const originalWrite = rig.till.write.bind(rig.till);
    rig.till.write = async (data: Uint8Array): Promise<void> => {
      for (const event of new FrameDecoder().push(Buffer.from(data))) {
        if (event.type !== 'frame') continue;
        const op = event.message.int(Tag.operation) ?? -1;
        if (!moneyOps.has(op)) continue;
        const part = reader.partByEcr(event.message.int(Tag.ecrNumber) ?? -1);
        const stored = part ? reader.partRequest(part.id) : undefined;
        checked.push({ op, state: part?.state, sameRequest: JSON.stringify(stored) === JSON.stringify(event.message.toRecord()) });
      }
      return originalWrite(data);
    };
    try {
      const receipt = rig.service.openReceipt({ lines: [], total: 30_000 });
      const card = await rig.pay(receipt.id, 'card', 10_000);
      const sbp = await rig.pay(receipt.id, 'sbp', 10_000);
      await rig.service.refund(receipt.id, [{ paymentId: card.id, amount: 1_000 }]);
      rig.clock.advanceDays(1);
      await rig.service.refund(receipt.id, [
        { paymentId: card.id, amount: 1_000 },
        { paymentId: sbp.id, amount: 1_000 },
      ]);
      expect(checked.map((c) => c.op)).toEqual([
        rig.profile.operations.sale,
        rig.profile.sbp.payment.operation,
        rig.profile.operations.void,
        rig.profile.operations.refund,
        rig.profile.sbp.refund.operation,
      ]);
      for (const c of checked) expect(c).toMatchObject({ state: 'SENT', sameRequest: true });
    } finally {
      reader.close();
    }
  });
});
