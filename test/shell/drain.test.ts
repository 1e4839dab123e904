/**
 * The real electron/main.ts (against the recording stand-in for `electron`) stops by draining:
 * a quit, a till's window closed or its last window gone while a card payment waits for the card
 * keeps the window and IPC up, refuses new money with `stopping`, tells the window (`lifecycle`
 * event), lets the payment end APPROVED on the screen, and only then exits 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { eventChannel, invokeChannel } from '../../electron/contract/channels.js';
import type { PaymentEvent, Receipt } from '../../electron/contract/types.js';
import { hashPin } from '../../electron/service/config/config.js';
import { resetFake } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function runTill() {
  const dir = mkdtempSync(join(tmpdir(), 'shell-drain-'));
  dirs.push(dir);
  const config = join(dir, 'config.toml');
  // No [pinpad]: the built-in emulator at demo pace (the card comes after 2.5 s).
  writeFileSync(config, `mode = "till"\n[service]\npinHash = "${hashPin('4321')}"\n`);
  vi.stubEnv('KIOSK_CONFIG', config);
  vi.stubEnv('KIOSK_RENDERER_INDEX', '');
  const state = resetFake(join(dir, 'data'));
  vi.resetModules();
  await import('../../electron/main.js');
  await vi.waitFor(() => expect(state.windows[0]?.loaded.length).toBe(1), { timeout: 60_000, interval: 50 });
  const window = state.windows[0]!;
  const invoke = async (method: string, payload: unknown) => {
    const handler = state.ipcHandlers.get(invokeChannel(method as never))!;
    return (await handler({ sender: window.webContents, senderFrame: { url: 'app://ui/index.html' } }, payload)) as {
      ok: boolean;
      value?: never;
      error?: { code: string };
    };
  };
  const sent = (name: 'payment' | 'lifecycle') => window.webContents.sent.filter((s) => s.channel === eventChannel(name)).map((s) => s.payload);
  return { state, window, invoke, sent };
}

describe('electron/main.ts drains before it stops', () => {
  for (const trigger of ['will-quit', 'window close', 'window-all-closed'] as const) {
    it(`${trigger} mid card payment: the payment ends APPROVED on the screen, new money gets 'stopping', then exit 0`, async () => {
      const { state, window, invoke, sent } = await runTill();
      const receipt = (await invoke('receipt.open', { lines: [], total: 7_700 })).value as unknown as Receipt;
      const other = (await invoke('receipt.open', { lines: [], total: 100 })).value as unknown as Receipt;
      const started = await invoke('payment.start', { receiptId: receipt.id, method: 'card', amount: 7_700 });
      expect(started.ok).toBe(true);
      await vi.waitFor(() => expect(sent('payment').some((p) => (p as PaymentEvent).phase === 'sent')).toBe(true), { timeout: 10_000 });

      if (trigger === 'will-quit') expect(state.app.fire('will-quit').prevented).toBe(true);
      else if (trigger === 'window close') expect(window.fire('close').prevented).toBe(true);
      else state.app.fire('window-all-closed');
      // Repeated: another quit while draining changes nothing.
      expect(state.app.fire('will-quit').prevented).toBe(true);
      expect(state.exitCode).toBeUndefined();
      expect(sent('lifecycle')).toEqual([expect.objectContaining({ state: 'stopping' })]);
      expect(await invoke('payment.start', { receiptId: other.id, method: 'card', amount: 100 })).toMatchObject({ ok: false, error: { code: 'stopping' } });
      expect(await invoke('app.lifecycle', {})).toMatchObject({ ok: true, value: { state: 'stopping' } });

      await vi.waitFor(() => expect(state.exitCode).toBe(0), { timeout: 30_000, interval: 50 });
      const done = sent('payment').find((p) => (p as PaymentEvent).phase === 'done') as PaymentEvent | undefined;
      expect(done?.part).toMatchObject({ state: 'APPROVED', amount: 7_700 });
      // After the drain the window may close.
      expect(window.fire('close').prevented).toBe(false);
      vi.unstubAllEnvs();
    }, 90_000);
  }
});
