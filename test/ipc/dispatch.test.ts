/** The bridge refuses bad input (unknown methods, wrong shapes, oversized payloads, no PIN) and sends nothing to the pin pad. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../electron/contract/bridge-protocol.js';
import { METHOD_NAMES } from '../../electron/contract/channels.js';
import { MAX_PAYLOAD_BYTES } from '../../electron/ipc/dispatch.js';
import { nodeSocket, startRig, TOKEN, type Rig } from '../bridge/rig.js';

/** Opens a raw socket and collects what the bridge says. */
async function raw(url: string, origin?: string): Promise<{ socket: WebSocket; messages: unknown[]; closed: Promise<{ code: number; reason: string }> }> {
  const socket = nodeSocket(url, origin);
  const messages: unknown[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, messages, closed };
}

describe('the contract refuses bad input and sends nothing to the pin pad', () => {
  let rig: Rig;
  let requestsBefore: number;

  beforeAll(async () => {
    rig = await startRig();
    requestsBefore = rig.web.app.emulator!.bank.ledger.charges.length;
  }, 60_000);

  afterAll(async () => {
    // Nothing that was refused reached the terminal: no charge, no request at all.
    expect(rig.web.app.emulator!.bank.ledger.charges.length).toBe(requestsBefore);
    expect(rig.web.app.journal.partsInStates(['INTENT', 'SENT', 'APPROVED', 'DECLINED', 'FAILED', 'UNKNOWN'])).toEqual([]);
    await rig.stop();
  });

  it('lists every method of the table', () => {
    expect(METHOD_NAMES).toContain('payment.start');
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
  });

  it('unknown methods', async () => {
    const result = await rig.client.invokeRaw('payment.startAll', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await rig.client.invokeRaw(42, {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
  });

  it.each([
    ['a string for the amount', { receiptId: 'r1', method: 'card', amount: '100.00' }, 'amount'],
    ['a float amount', { receiptId: 'r1', method: 'card', amount: 100.5 }, 'amount'],
    ['a negative amount', { receiptId: 'r1', method: 'card', amount: -100 }, 'amount'],
    ['an unknown method of payment', { receiptId: 'r1', method: 'bitcoin', amount: 100 }, 'method'],
    ['an extra key', { receiptId: 'r1', method: 'card', amount: 100, force: true }, 'force'],
    ['a missing key', { method: 'card', amount: 100 }, 'receiptId'],
    ['garbage', 'DROP TABLE parts', 'input'],
    ['null', null, 'receiptId'],
  ])('payment.start with %s → invalid-input naming the key', async (_name, payload, key) => {
    const result = await rig.client.invokeRaw('payment.start', payload);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-input');
    expect(result.error.message).toContain(key);
  });

  it('an oversized payload is refused before it is parsed', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => ({ name: 'x'.repeat(190) + i, quantity: 1, amount: 1 }));
    const result = await rig.client.invokeRaw('receipt.open', { lines, total: 400 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(JSON.stringify(lines).length).toBeGreaterThan(MAX_PAYLOAD_BYTES);
  });

  it('service methods need the PIN', async () => {
    expect(await rig.client.invokeRaw('service.settle', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await rig.client.invokeRaw('service.unlock', { pin: '0000' })).toMatchObject({ ok: true, value: { unlocked: false } });
    expect(await rig.client.invokeRaw('service.journal', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a client without the token is closed, and one from a foreign origin too', async () => {
    const noToken = await raw(rig.web.bridge.wsUrl);
    noToken.socket.send(JSON.stringify({ type: 'hello', token: 'wrong' }));
    expect((await noToken.closed).code).toBe(4401);

    const early = await raw(rig.web.bridge.wsUrl);
    early.socket.send(JSON.stringify({ type: 'invoke', id: 1, method: 'payment.start', input: { receiptId: 'r', method: 'card', amount: 1 } }));
    expect((await early.closed).code).toBe(4401);
    expect(early.messages).toEqual([]);

    const foreign = await raw(rig.web.bridge.wsUrl, 'http://evil.example');
    foreign.socket.send(JSON.stringify({ type: 'hello', token: TOKEN }));
    expect((await foreign.closed).code).toBe(4401);
  });

  it('garbage frames get an error message, not a crash', async () => {
    const conn = await raw(rig.web.bridge.wsUrl);
    conn.socket.send(JSON.stringify({ type: 'hello', token: TOKEN }));
    conn.socket.send('{not json');
    conn.socket.send(JSON.stringify({ type: 'invoke', id: 'x', method: 'receipt.get' }));
    conn.socket.send(JSON.stringify({ type: 'invoke', id: 2, method: 'receipt.get', input: { receiptId: '../../etc/passwd' } }));
    await new Promise((r) => setTimeout(r, 300));
    expect(conn.messages[0]).toEqual({ type: 'ready', protocol: PROTOCOL_VERSION });
    const types = conn.messages.map((m) => (m as { type: string }).type);
    expect(types.filter((t) => t === 'error')).toHaveLength(2);
    const result = conn.messages.find((m) => (m as { type: string }).type === 'result') as { result: { ok: boolean; error: { code: string } } };
    expect(result.result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    conn.socket.close();
  });

  it('a receipt for an unknown id is not-found; an amount above the remainder is refused', async () => {
    expect(await rig.client.invokeRaw('receipt.get', { receiptId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const receipt = await rig.client.invoke('receipt.open', { lines: [{ name: 'Хлеб', quantity: 1, amount: 5000 }], total: 5000 });
    const result = await rig.client.invokeRaw('payment.start', { receiptId: receipt.id, method: 'card', amount: 5001 });
    expect(result).toMatchObject({ ok: false, error: { code: 'amount-exceeds-remaining', data: { remaining: 5000 } } });
  });
});
