import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ledgerNet, TERMINAL_ID, useRigs, waitFor } from '../rig.js';

const rig = useRigs();

const SALE = { amount: 10000, ecrNumber: 1, method: 'card' } as const;

describe('every fault the emulator can inject', () => {
  it('nakFirst: the till resends the NAKed request unchanged; approved, exactly one charge', async () => {
    const r = await rig({ faults: { nakFirst: true } });
    const result = await r.driver.sale(SALE);
    expect(result.status).toBe('approved');
    expect(r.trace).toContain('RX NAK');
    const sent = r.trace.filter((line) => line.startsWith('TX frame'));
    expect(sent[1]).toMatch(/\(resend 1\)/);
    // The resend is byte-identical.
    expect(sent[1]!.replace(' (resend 1)', '')).toBe(sent[0]);
    expect(r.ledger.charges).toHaveLength(1);
    // Only the first transaction is disturbed.
    const second = await r.driver.sale({ ...SALE, ecrNumber: 2 });
    expect(second.status).toBe('approved');
    expect(r.trace.filter((line) => line === 'RX NAK')).toHaveLength(1);
  });

  it('corruptCrc: the answer with a bad CRC is NAKed and the resent one accepted; approved', async () => {
    const r = await rig({ faults: { corruptCrc: true } });
    const result = await r.driver.sale(SALE);
    expect(result.status).toBe('approved');
    expect(r.trace.some((line) => /^RX discarded .*CRC mismatch/.test(line))).toBe(true);
    expect(r.trace).toContain('TX NAK');
    expect(r.ledger.charges).toHaveLength(1);
  });

  it('junk: stray bytes and STX before every frame do not stall the till; approved', async () => {
    const r = await rig({ faults: { junk: true } });
    const result = await r.driver.sale(SALE);
    expect(result.status).toBe('approved');
    expect(r.trace.some((line) => line.startsWith('RX discarded'))).toBe(true);
    expect(r.ledger.charges).toHaveLength(1);
    expect((await r.driver.test()).status).toBe('approved');
  });

  it('ackDelayMs 300: a slow ACK is still an ACK; approved', async () => {
    const r = await rig({ faults: { ackDelayMs: 300 } });
    const result = await r.driver.sale(SALE);
    expect(result.status).toBe('approved');
    expect(r.trace.some((line) => line.includes('(resend'))).toBe(false);
    expect(r.ledger.charges).toHaveLength(1);
  });

  it('dropAcks 1: a missing ACK does not make a second charge; approved', async () => {
    const r = await rig({ faults: { dropAcks: 1 } });
    const result = await r.driver.sale(SALE);
    expect(result.status).toBe('approved');
    expect(r.log).toContain('fault: no ACK for a good request frame');
    expect(r.ledger.charges).toHaveLength(1);
  });

  it('silentAfterAck: no answer is "unknown", nothing charged', async () => {
    const r = await rig({ faults: { silentAfterAck: true }, driver: { responseTimeoutMs: 500 } });
    const result = await r.driver.sale(SALE);
    expect(result.status).toBe('unknown');
    expect(result.error?.code).toBe('timeout');
    expect(r.ledger.charges).toHaveLength(0);
    // What recovery finds: no payment under that till number, so nothing to cancel.
    const cancel = await r.driver.emergencyCancel(r.driver.lastRequest!);
    expect(cancel.status).toBe('declined');
    expect(cancel.text).toContain('СПИСАНИЯ НЕ БЫЛО');
    expect(r.ledger.refunds).toHaveLength(0);
  });

  it('loseResponse: "unknown" with one charge; the emergency cancel brings the ledger to zero', async () => {
    const r = await rig({ faults: { loseResponse: true }, driver: { responseTimeoutMs: 500 } });
    const result = await r.driver.sale(SALE);
    expect(result.status).toBe('unknown');
    expect(r.ledger.charges).toHaveLength(1);
    const cancel = await r.driver.emergencyCancel(r.driver.lastRequest!);
    expect(cancel.status).toBe('approved');
    expect(r.ledger.refunds).toEqual([expect.objectContaining({ kind: 'emergency-cancel', amount: 10000 })]);
    expect(ledgerNet(r.ledger)).toBe(0);
  });

  it('unplugAfterAck: "unknown", the link closes; after replug a new stream resolves it', async () => {
    // The pin pad takes a while with the card, so the cable is pulled mid-operation. The response
    // timeout is long so that the unplug, not the silence, ends the wait even on a loaded machine.
    const r = await rig({ faults: { unplugAfterAck: true }, timing: { cardDelayMs: 300, waitIntervalMs: 50 }, driver: { responseTimeoutMs: 10_000 } });
    const first = r.connection;
    const result = await first.driver.sale(SALE);
    expect(result.status).toBe('unknown');
    expect(result.error?.code).toBe('link');
    // The device is gone: the link notices (on a loaded machine the close may trail the result a little).
    await waitFor(() => !first.link.isOpen && !first.stream.isOpen, 'the link to close after the unplug', 5000);
    // A closed stream refuses to write rather than queueing bytes for later.
    await expect(first.stream.write(Buffer.from([0x06]))).rejects.toMatchObject({ code: 'link', delivery: 'none' });
    const afterClose = await first.driver.test();
    expect(afterClose.status).toBe('failed');

    // The bank still charged.
    await waitFor(() => r.ledger.charges.length === 1 && !r.host.terminal.busy, 'the bank to finish the sale', 5000);
    await waitFor(() => !existsSync(r.address), 'the device to disappear', 5000);
    await r.host.replug();
    expect(existsSync(r.address)).toBe(true);

    const second = await r.connect();
    expect(second.stream).not.toBe(first.stream);
    const status = await second.driver.status({ ofEcrNumber: SALE.ecrNumber, refund: false });
    expect(status.status).toBe('approved');
    expect(status.sbpState).toBe('done');
    expect(status.rrn).toBe(r.ledger.charges[0]!.rrn);

    const cancel = await second.driver.emergencyCancel(first.driver.lastRequest!);
    expect(cancel.status).toBe('approved');
    expect(ledgerNet(r.ledger)).toBe(0);
    expect(r.ledger.charges).toHaveLength(1);
  });

  it('unplug with replugAfterMs: the device comes back by itself and a new connection gets the late answer', { timeout: 45_000 }, async () => {
    const r = await rig({ faults: { unplugAfterAck: true }, timing: { cardDelayMs: 300, waitIntervalMs: 50 }, replugAfterMs: 100 });
    const result = await r.driver.sale(SALE);
    expect(result.status).toBe('unknown');
    await waitFor(() => r.host.connected && existsSync(r.address), 'the device to come back', 5000);
    // Connect at once: the pin pad is still finishing the sale and sends its frames to whoever is there.
    const mark = r.trace.length;
    const again = await r.connect();
    // The pin pad sends its answer as soon as the card is done and resends it every 5 s (its ACK
    // timeout) up to 3 times: a connection that comes up after the first send still gets a resend.
    // Wait as long as the pin pad keeps trying, not for one resend only (a loaded machine may connect late).
    await waitFor(() => !r.host.terminal.busy, 'the pin pad to finish the sale', 25_000);
    expect(r.ledger.charges).toHaveLength(1);
    // The final answer of the interrupted sale arrived on the new connection and was ACKed.
    const late = r.trace.slice(mark).filter((line) => line.startsWith('RX frame') && line.includes('25(operation)="1"') && line.includes('39(status)="1"'));
    expect(late.length).toBeGreaterThan(0);
    const status = await again.driver.status({ ofEcrNumber: SALE.ecrNumber, refund: false });
    expect(status.sbpState).toBe('done');
    expect(status.rrn).toBe(r.ledger.charges[0]!.rrn);
  });

  it('wrong terminal id: declined, and the answer names the real id', async () => {
    const r = await rig({ driver: { terminalId: '99999999' } });
    const result = await r.driver.sale(SALE);
    expect(result.status).toBe('declined');
    expect(result.text).toContain(TERMINAL_ID);
    expect(result.terminalId).toBe(TERMINAL_ID);
    expect(r.ledger.charges).toHaveLength(0);
  });
});
