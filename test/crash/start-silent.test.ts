/**
 * Start is never held by recovery: with three parts left unknown by a crash and a pin pad that
 * answers nothing, the service comes up, its receipts with unresolved parts say so ("checking")
 * and block only themselves, and a new receipt can be opened at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServiceApp, type ServiceApp } from '../../electron/service/app.js';
import { seedUnknownParts, startSilentPinpad, type SilentPinpad } from './silent-pinpad.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('start with a silent pin pad and unknown parts', () => {
  it('comes up without waiting for recovery; unresolved receipts are "checking" and block only themselves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'start-silent-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const pinpad: SilentPinpad = await startSilentPinpad();
    cleanups.push(() => pinpad.close());
    const { configPath, dataDir, receiptIds } = seedUnknownParts(dir, pinpad.port, 3);

    const app: ServiceApp = await startServiceApp({ configPath, dataDir, responseTimeoutSeconds: 45 });
    cleanups.push(() => app.stop());
    // The pin pad cannot have answered anything (it never does): start returned with the parts still unknown.
    expect(app.service.listUnresolved().map((p) => p.state)).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN']);
    for (const id of receiptIds) expect(app.service.getReceipt(id).blockedReason).toMatch(/not known yet/);
    // Recovery is at work in the background: its status query reaches the pin pad.
    await expect.poll(() => pinpad.received(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(app.service.busyWith).toMatch(/^recovery of /);
    // Other receipts are not blocked.
    const fresh = app.service.openReceipt({ lines: [], total: 5_000 });
    expect(fresh).toMatchObject({ state: 'open', remaining: 5_000, blockedReason: undefined });
  }, 60_000);
});
