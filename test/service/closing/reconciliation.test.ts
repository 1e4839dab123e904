import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPinpad } from '../../../native/cli/pinpad.js';
import { memoryPair } from '../../../native/transport/memory.js';
import { Journal } from '../../../electron/service/journal/journal.js';
import { JOURNAL_SCHEMA_VERSION, MIGRATIONS } from '../../../electron/service/journal/migrations.js';
import { ReconciliationStore } from '../../../electron/service/journal/reconciliation-store.js';
import { PROFILE, TERMINAL_ID, useServiceRigs, type ServiceRig } from '../rig.js';

const { rig: makeRig } = useServiceRigs();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the real `pinpad` tool against the rig's emulated terminal, behind the app's back, then gives the terminal back to the app. */
async function pinpadBehindTheApp(rig: ServiceRig, args: string[]): Promise<{ code: number; stdout: string }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pinpad-cli-'));
  dirs.push(stateDir);
  const [cli, terminalSide] = memoryPair();
  rig.terminal.attach(terminalSide);
  let stdout = '';
  try {
    const code = await runPinpad(['--port', '/dev/null-not-used', '--terminal-id', TERMINAL_ID, '--state-dir', stateDir, '--json', ...args], {
      stdout: (s) => (stdout += s),
      stderr: () => undefined,
      env: {},
      signal: new AbortController().signal,
      connect: async () => cli,
    });
    return { code, stdout };
  } finally {
    rig.terminal.attach(rig.term);
  }
}

describe('close-of-day reconciliation', () => {
  it('a day of card and SBP payments, a switched one, refunds and a voided sale: the totals match, on two days running', async () => {
    const rig = makeRig({ mode: 'till' });
    const a = rig.service.openReceipt({ lines: [], total: 120_000 });
    const cardA = await rig.pay(a.id, 'card', 70_000);
    const sbpA = await rig.pay(a.id, 'sbp', 50_000);
    const b = rig.service.openReceipt({ lines: [], total: 30_000 });
    rig.terminal.options.scenario = 'switch-to-qr';
    const switched = await rig.pay(b.id, 'card', 30_000);
    rig.terminal.options.scenario = 'approve';
    expect(switched).toMatchObject({ state: 'APPROVED', method: 'sbp', switchedToSbp: true });
    const c = rig.service.openReceipt({ lines: [], total: 25_000 });
    await rig.pay(c.id, 'card', 15_000);
    await rig.pay(c.id, 'cash', 10_000);
    // A voided sale, a partial same-day return of a QR payment, and a declined card sale (amount ending in 51).
    const d = rig.service.openReceipt({ lines: [], total: 8_000 });
    const voided = await rig.pay(d.id, 'card', 8_000);
    await rig.service.cancelReceipt(d.id);
    expect(rig.part(voided.id).state).toBe('REFUNDED');
    const [partial] = await rig.service.refund(a.id, [{ paymentId: sbpA.id, amount: 20_000 }]);
    expect(partial).toMatchObject({ how: 'void', state: 'APPROVED' });
    const e = rig.service.openReceipt({ lines: [], total: 10_051 });
    expect((await rig.pay(e.id, 'card', 10_051)).state).toBe('DECLINED');

    const first = await rig.service.settle();
    expect(first.status).toBe('approved');
    const rec = first.reconciliation!;
    expect(rec.source).toBe('fields');
    expect(rec.journal).toEqual({
      cardSales: { count: 3, amount: 93_000 },
      sbpSales: { count: 2, amount: 80_000 },
      voids: { count: 2, amount: 28_000 },
      refunds: { count: 0, amount: 0 },
    });
    expect(rec.terminal).toEqual(rec.journal);
    expect(rec.differences).toEqual([]);
    expect(rec.matched).toBe(true);
    expect(rec.businessDay).toBe('2026-03-10');
    // Kept in the journal.
    const store = new ReconciliationStore(rig.journal.db);
    expect(store.latest()).toEqual(rec);
    expect(store.forDay('2026-03-10').map((r) => r.reconciliation.id)).toEqual([rec.id]);

    // Next day: a refund of yesterday's card payment (the card again), and a new QR sale.
    rig.clock.advanceDays(1);
    const [refund] = await rig.service.refund(a.id, [{ paymentId: cardA.id, amount: 30_000 }]);
    expect(refund).toMatchObject({ how: 'refund', state: 'APPROVED' });
    const f = rig.service.openReceipt({ lines: [], total: 4_000 });
    await rig.pay(f.id, 'sbp', 4_000);
    const second = await rig.service.settle();
    expect(second.reconciliation).toMatchObject({
      matched: true,
      businessDay: '2026-03-11',
      journal: {
        cardSales: { count: 0, amount: 0 },
        sbpSales: { count: 1, amount: 4_000 },
        voids: { count: 0, amount: 0 },
        refunds: { count: 1, amount: 30_000 },
      },
    });
    expect(second.reconciliation!.terminal).toEqual(second.reconciliation!.journal);
  });

  it('the slip is read when the answer has no totals field', async () => {
    const profile = structuredClone(PROFILE);
    delete (profile.settlement as { totalsField?: number }).totalsField;
    const rig = makeRig({ profile });
    const r = rig.service.openReceipt({ lines: [], total: 12_345 });
    await rig.pay(r.id, 'card', 12_345);
    // The emulator keeps the shipped profile (with the field); the till's profile does not name it, so it reads the slip.
    const { reconciliation } = await rig.service.settle();
    expect(reconciliation).toMatchObject({ matched: true, source: 'slip', terminal: { cardSales: { count: 1, amount: 12_345 } } });
  });

  it('a sale made with the pinpad tool behind the app shows as a difference, explained', async () => {
    const rig = makeRig();
    const r = rig.service.openReceipt({ lines: [], total: 20_000 });
    await rig.pay(r.id, 'card', 20_000);
    const cli = await pinpadBehindTheApp(rig, ['sale', '150.00']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout.trim().split('\n').at(-1)!)).toMatchObject({ status: 'approved', amount: 15_000 });
    expect(rig.bank.ledger.charges.map((c) => c.amount)).toEqual([20_000, 15_000]);

    const { reconciliation } = await rig.service.settle();
    expect(reconciliation!.matched).toBe(false);
    expect(reconciliation!.differences).toEqual([
      {
        kind: 'cardSales',
        terminal: { count: 2, amount: 35_000 },
        journal: { count: 1, amount: 20_000 },
        explainedBy: [expect.objectContaining({ reason: 'outside-app', count: 1, amount: 15_000 })],
      },
    ]);
    expect(reconciliation!.differences[0]!.explainedBy[0]!.text).toMatch(/outside the app/);
  });

  it('a part still unknown at settlement explains the difference it makes, by its id', async () => {
    const rig = makeRig();
    const r = rig.service.openReceipt({ lines: [], total: 9_000 });
    rig.faults.loseResponse = true;
    const lost = await rig.pay(r.id, 'card', 9_000);
    rig.faults.loseResponse = false;
    expect(lost.state).toBe('UNKNOWN');
    const { reconciliation } = await rig.service.settle();
    expect(reconciliation!.matched).toBe(false);
    const diff = reconciliation!.differences.find((d) => d.kind === 'cardSales')!;
    expect(diff).toMatchObject({ terminal: { count: 1, amount: 9_000 }, journal: { count: 0, amount: 0 } });
    expect(diff.explainedBy).toEqual([expect.objectContaining({ reason: 'unknown', partId: lost.id, amount: 9_000 })]);
  });

  it('a manual decision that the terminal contradicts is named', async () => {
    const rig = makeRig();
    const r = rig.service.openReceipt({ lines: [], total: 6_000 });
    rig.faults.loseResponse = true;
    const lost = await rig.pay(r.id, 'card', 6_000);
    rig.faults.loseResponse = false;
    rig.service.resolveManually(lost.id, 'declined', 'checked the slip: not paid');
    const { reconciliation } = await rig.service.settle();
    const diff = reconciliation!.differences.find((d) => d.kind === 'cardSales')!;
    expect(diff.explainedBy).toEqual([expect.objectContaining({ reason: 'manual', partId: lost.id, amount: 6_000 })]);
  });

  it('a journal from before reconciliations gets the table at its next start; the first period starts after its last settlement', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-upgrade-')), 'journal.sqlite');
    dirs.push(join(path, '..'));
    const rig = makeRig({ journalPath: path });
    const r = rig.service.openReceipt({ lines: [], total: 3_000 });
    await rig.pay(r.id, 'card', 3_000);
    // A settlement by the older version (no reconciliation kept), then a sale of the new day.
    expect(rig.journal.markSettled()).toBe(1);
    await rig.pay(rig.service.openReceipt({ lines: [], total: 2_000 }).id, 'card', 2_000);
    await rig.close();
    // As an older version left it: no reconciliations table (nor what later migrations added), an older user_version.
    const old = new Journal(path);
    old.db.exec('DROP TABLE reconciliations; ALTER TABLE receipts DROP COLUMN pos_prints; ALTER TABLE receipts DROP COLUMN printed_at;');
    // The version just before the reconciliations migration (later migrations are newer still).
    old.db.pragma(`user_version = ${MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE reconciliations'))}`);
    old.close();
    const reopened = new Journal(path);
    try {
      expect(reopened.schemaVersion).toBe(JOURNAL_SCHEMA_VERSION);
      const again = makeRig({ journal: reopened });
      const { reconciliation } = await again.service.settle();
      // The first period starts after what the older version's settlement closed.
      expect(reconciliation!.journal.cardSales).toEqual({ count: 1, amount: 2_000 });
      expect(new ReconciliationStore(reopened.db).latest()?.id).toBe(reconciliation!.id);
    } finally {
      reopened.close();
    }
  });

  it('no reconciliation when the settlement is not approved', async () => {
    const rig = makeRig();
    rig.scriptTerminal(() => ({ 39: 16, 19: 'ОТКАЗ' }));
    const result = await rig.service.settle();
    expect(result.status).toBe('declined');
    expect(result.reconciliation).toBeUndefined();
    expect(new ReconciliationStore(rig.journal.db).latest()).toBeUndefined();
  });
});
