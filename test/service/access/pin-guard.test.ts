/**
 * The service PIN against guessing: a growing lock after 5 wrong PINs that survives a restart,
 * every refusal in the audit trail, parallel guesses counted one by one, scrypt off the event loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPin } from '../../../electron/service/config/config.js';
import { ServiceError } from '../../../electron/contract/errors.js';
import { Journal } from '../../../electron/service/journal/journal.js';
import { PinGuard, type PinRefusal } from '../../../electron/service/access/pin-guard.js';

const HASH = hashPin('2468');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(): { path: string; clock: { ms: number; now: () => Date } } {
  const dir = mkdtempSync(join(tmpdir(), 'pin-guard-'));
  dirs.push(dir);
  const clock = { ms: Date.UTC(2026, 2, 10, 9), now: () => new Date(clock.ms) };
  return { path: join(dir, 'journal.sqlite'), clock };
}

async function lockedError(run: Promise<unknown>): Promise<ServiceError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('expected pin-locked');
}

describe('the service PIN guard', () => {
  it('locks after 5 wrong PINs, longer after each further one; the right PIN is refused while locked', async () => {
    const { path, clock } = setup();
    const journal = new Journal(path);
    const refusals: PinRefusal[] = [];
    const guard = new PinGuard(journal.db, HASH, { now: clock.now, onRefused: (r) => refusals.push(r) });
    for (let i = 0; i < 4; i++) expect(await guard.check('0000', 'bridge a', 'service.unlock')).toBe(false);
    expect(guard.state.lockedUntil).toBeUndefined();
    expect(await guard.check('1111', 'bridge a', 'service.unlock')).toBe(false);
    const first = guard.state.lockedUntil!;
    expect(Date.parse(first) - clock.ms).toBe(30_000);
    const refused = await lockedError(guard.check('2468', 'window 1', 'app.quit'));
    expect(refused.code).toBe('pin-locked');
    expect(refused.data).toMatchObject({ retryAfterSeconds: 30 });
    clock.ms += 30_001;
    expect(await guard.check('0000', 'bridge a', 'service.unlock')).toBe(false);
    expect(Date.parse(guard.state.lockedUntil!) - clock.ms).toBe(60_000);
    clock.ms += 60_001;
    expect(await guard.check('0000', 'bridge a', 'service.unlock')).toBe(false);
    expect(Date.parse(guard.state.lockedUntil!) - clock.ms).toBe(120_000);
    clock.ms += 120_001;
    expect(await guard.check('2468', 'window 1', 'service.unlock')).toBe(true);
    expect(guard.state).toEqual({ failures: 0, lockedUntil: undefined });
    expect(refusals.map((r) => [r.failures, r.whileLocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
      [5, true],
      [6, false],
      [7, false],
    ]);
    journal.close();
  });

  it('a restart does not reset the count or the lock, and every refusal is in the audit trail', async () => {
    const { path, clock } = setup();
    let journal = new Journal(path);
    let guard = new PinGuard(journal.db, HASH, { now: clock.now });
    for (let i = 0; i < 5; i++) await guard.check(String(1000 + i), 'bridge 127.0.0.1:4000', 'service.unlock');
    journal.close();

    journal = new Journal(path);
    guard = new PinGuard(journal.db, HASH, { now: clock.now });
    expect(guard.state.failures).toBe(5);
    expect(guard.state.lockedUntil).toBeDefined();
    expect((await lockedError(guard.check('2468', 'bridge 127.0.0.1:4001', 'app.quit'))).code).toBe('pin-locked');
    const audit = journal.audit({ limit: 100 });
    expect(audit.filter((e) => e.event === 'service-pin-wrong')).toHaveLength(5);
    const locked = audit.filter((e) => e.event === 'service-pin-locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]!.detail).toContain('app.quit from bridge 127.0.0.1:4001');
    // The PIN guesses themselves are never written down.
    expect(JSON.stringify(audit)).not.toMatch(/100[0-4]|2468/);
    journal.close();
  });

  it('parallel guesses are checked one by one: the sixth and later find the lock', async () => {
    const { path, clock } = setup();
    const journal = new Journal(path);
    const guard = new PinGuard(journal.db, HASH, { now: clock.now });
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => guard.check(`900${i}`, `bridge ${i}`, 'service.unlock')));
    expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<boolean>).value)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(3);
    expect(guard.state.failures).toBe(5);
    journal.close();
  });

  it('scrypt runs off the event loop: other work goes on during a check', async () => {
    const { path } = setup();
    const journal = new Journal(path);
    const guard = new PinGuard(journal.db, HASH);
    let ticks = 0;
    let done = false;
    const spin = (): void => {
      if (done) return;
      ticks++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const started = guard.check('2468', 'test', 'service.unlock');
    const ticksAtStart = ticks;
    expect(await started).toBe(true);
    done = true;
    expect(ticks).toBeGreaterThan(ticksAtStart);
    journal.close();
  });

  it('without a configured PIN every PIN is refused (and counted)', async () => {
    const { path, clock } = setup();
    const journal = new Journal(path);
    const guard = new PinGuard(journal.db, undefined, { now: clock.now });
    expect(await guard.check('2468', 'test', 'service.unlock')).toBe(false);
    expect(guard.state.failures).toBe(1);
    journal.close();
  });
});
