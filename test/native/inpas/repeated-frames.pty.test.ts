/**
 * Repeated frames on a real pseudo-terminal, with the terminal played by hand so the byte
 * order is exact. A terminal resends a frame whose ACK it did not get (the emulator's junk
 * fault makes the till NAK a false start byte before a good frame, so it happens there on
 * almost every frame). The till must ACK the repeat and otherwise ignore it: a repeat is
 * neither the answer to a later request nor proof that the later request arrived.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../native/inpas/message.js';
import { TERMINAL_ID, useScriptedTerminals, type ScriptedTerminal } from '../rig.js';

const scripted = useScriptedTerminals();

function answer(request: Message, fields: Record<number, string | number>): Record<number, string | number | undefined> {
  return { 25: request.text(25), 26: request.text(26), 27: TERMINAL_ID, 4: request.text(4), 0: request.text(0), ...fields };
}

/** The terminal ACKs the request, answers with `fields` and waits for the till's ACK. Returns the answer frame. */
async function serve(t: ScriptedTerminal, fields: Record<number, string | number>): Promise<{ request: Message; frame: Buffer }> {
  const { message: request } = await t.nextFrame();
  await t.control('ACK');
  const frame = await t.send(answer(request, fields));
  expect(await t.nextControl()).toBe('ACK');
  return { request, frame };
}

const APPROVED = { 39: 1, 15: '00', 19: 'ОДОБРЕНО', 14: '000000000001', 13: '123456' };

describe('repeated frames from the terminal', () => {
  it('a repeat of an earlier answer with another till number is ACKed and ignored', async () => {
    const t = await scripted({ responseTimeoutMs: 2000 });
    const first = t.till.driver.sale({ amount: 1000, ecrNumber: 1, method: 'card' });
    const { frame: answer1 } = await serve(t, APPROVED);
    expect((await first).status).toBe('approved');

    const second = t.till.driver.sale({ amount: 2000, ecrNumber: 2, method: 'card' });
    const { message: request } = await t.nextFrame();
    await t.control('ACK');
    await t.write(answer1);
    expect(await t.nextControl()).toBe('ACK');
    await t.send(answer(request, { 39: 16, 15: '51', 19: 'ОТКАЗ' }));
    expect(await t.nextControl()).toBe('ACK');
    const result = await second;
    expect(result.status).toBe('declined');
    expect(result.ecrNumber).toBe(2);
  });

  it('a repeat of the previous answer is not the answer to a connection test', async () => {
    const t = await scripted({ responseTimeoutMs: 2000 });
    const sale = t.till.driver.sale({ amount: 1000, ecrNumber: 7, method: 'card' });
    const { frame: saleAnswer } = await serve(t, APPROVED);
    expect((await sale).status).toBe('approved');

    const test = t.till.driver.test();
    const { message: request } = await t.nextFrame();
    expect(request.int(25)).toBe(26);
    await t.control('ACK');
    await t.write(saleAnswer); // its ACK was lost: the terminal sends it again
    expect(await t.nextControl()).toBe('ACK');
    await t.send({ 25: 26, 27: TERMINAL_ID, 39: 1, 15: '00', 19: 'СВЯЗЬ УСТАНОВЛЕНА', 89: 'PAX S300' });
    const result = await test;
    expect(result.raw['25']).toBe('26');
    expect(result.model).toBe('PAX S300');
  });

  it('a sale is never approved by a repeat of the previous connection-test answer', async () => {
    const t = await scripted({ responseTimeoutMs: 2000 });
    const test = t.till.driver.test();
    const { frame: testAnswer } = await serve(t, { 39: 1, 15: '00', 19: 'СВЯЗЬ УСТАНОВЛЕНА', 89: 'PAX S300' });
    expect((await test).status).toBe('approved');

    const sale = t.till.driver.sale({ amount: 5000, ecrNumber: 8, method: 'card' });
    const { message: request } = await t.nextFrame();
    await t.control('ACK');
    await t.write(testAnswer);
    await t.send(answer(request, { 39: 16, 15: '51', 19: 'ОТКАЗ. НЕДОСТАТОЧНО СРЕДСТВ' }));
    const result = await sale;
    // The bank declined this sale; an "approved" here would hand over goods unpaid.
    expect(result.status).toBe('declined');
    expect(result.text).toContain('НЕДОСТАТОЧНО СРЕДСТВ');
  });

  it('a repeat of the previous answer does not count as the ACK of a new request: a NAK after it still gets a resend', async () => {
    const t = await scripted({ responseTimeoutMs: 2000 });
    const first = t.till.driver.sale({ amount: 1000, ecrNumber: 1, method: 'card' });
    const { frame: answer1 } = await serve(t, APPROVED);
    expect((await first).status).toBe('approved');

    const second = t.till.driver.sale({ amount: 2000, ecrNumber: 2, method: 'card' });
    const { raw: sent } = await t.nextFrame();
    await t.write(answer1); // the old answer again…
    expect(await t.nextControl()).toBe('ACK');
    await t.control('NAK'); // …and the new request arrived damaged
    const resent = await t.nextFrame(2000);
    expect(resent.raw.equals(sent)).toBe(true);
    await t.control('ACK');
    await t.send(answer(resent.message, { ...APPROVED, 14: '000000000002' }));
    const result = await second;
    expect(result.status).toBe('approved');
    expect(result.rrn).toBe('000000000002');
  });
});
