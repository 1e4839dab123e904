/**
 * The pin pad's state comes from the line, not from the port: an open port whose pin pad leaves a
 * request unanswered is "not answering" (a health change the screens and the log hear of), and
 * the first byte back makes it answering again, with the time of that last answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadProfile } from '../../../native/inpas/profile.js';
import { ACK } from '../../../native/inpas/tags.js';
import { memoryPair, type MemoryStream } from '../../../native/transport/memory.js';
import type { PinpadHealth } from '../../../electron/contract/types.js';
import { PinpadConnection } from '../../../electron/service/pinpad/connection.js';
import { waitFor } from '../rig.js';

const PROFILE = loadProfile();
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function silentPinpad(): Promise<{ connection: PinpadConnection; terminal: MemoryStream; health: PinpadHealth[]; written: Buffer[] }> {
  const [till, terminal] = memoryPair();
  const written: Buffer[] = [];
  terminal.onData((data) => written.push(Buffer.from(data)));
  const health: PinpadHealth[] = [];
  const connection = new PinpadConnection({
    target: { kind: 'tcp', host: '127.0.0.1', port: 1 },
    profile: PROFILE,
    terminalId: '00322346',
    currency: '643',
    operationTimeoutMs: 60_000,
    responseTimeoutMs: 30_000,
    emulator: true,
    noAnswerMs: 150,
    onHealth: (h) => health.push(h),
    open: () => Promise.resolve(till),
  });
  await connection.start();
  stops.push(() => connection.stop());
  return { connection, terminal, health, written };
}

describe('the pin pad answers, or says nothing', () => {
  it('connected but silent: "not answering" after a request with nothing back; answering again at the first byte', async () => {
    const { connection, terminal, health, written } = await silentPinpad();
    expect(connection.health).toMatchObject({ state: 'connected', answering: true, lastAnswerAt: undefined });

    // A connection test goes out; the pin pad never ACKs it.
    const test = connection.driver().test();
    await waitFor(() => written.length > 0, 'the request on the line');
    await waitFor(() => connection.health.answering === false, 'not answering');
    expect(connection.health.state).toBe('connected');
    expect(connection.health.problem).toMatch(/does not answer/);
    expect(health.at(-1)).toMatchObject({ state: 'connected', answering: false });

    // The pin pad wakes up: its ACK is an answer.
    const before = health.length;
    terminal.write(Buffer.from([ACK])).catch(() => undefined);
    await waitFor(() => connection.health.answering === true, 'answering again');
    expect(connection.health.problem).toBeUndefined();
    expect(Date.parse(connection.health.lastAnswerAt ?? '')).toBeGreaterThan(0);
    expect(health.slice(before)).toEqual([expect.objectContaining({ answering: true, lastAnswerAt: connection.health.lastAnswerAt })]);
    await connection.stop();
    await test.catch(() => undefined);
  });

  it('answers while answering are kept quietly: no health event for each byte back', async () => {
    const { connection, terminal, health } = await silentPinpad();
    const before = health.length;
    void connection
      .driver()
      .test()
      .catch(() => undefined);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 20));
      terminal.write(Buffer.from([ACK])).catch(() => undefined);
    }
    await waitFor(() => connection.health.lastAnswerAt !== undefined, 'the last answer noted');
    await new Promise((r) => setTimeout(r, 300));
    expect(connection.health.answering).toBe(true);
    expect(health.slice(before).filter((h) => h.answering === false)).toEqual([]);
    expect(health.length).toBe(before);
  });
});
