import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, parseFields } from '../../../native/inpas/codec.js';
import { crc16Buypass } from '../../../native/inpas/crc.js';
import { PinpadError } from '../../../native/inpas/errors.js';
import { Link, type LinkOptions } from '../../../native/inpas/link.js';
import { Message, type FieldInput } from '../../../native/inpas/message.js';
import { Session, type SessionEvent, type SessionOptions, type TransactOptions } from '../../../native/inpas/session.js';
import { memoryPair, type MemoryStream } from '../../../native/transport/memory.js';

const STX = 0x02;
const EOT = 0x04;
const ACK = 0x06;
const NAK = 0x15;

const WAIT_FRAME = Buffer.from('0205001902003231a5c2', 'hex');
const SALE = Message.of({ 0: '10000', 4: '643', 25: '1', 26: '12', 27: '00322346' });
const APPROVED = { 0: '10000', 4: '643', 25: '1', 26: '12', 27: '00322346', 39: '1', 15: '00', 19: 'ОДОБРЕНО', 13: '123456', 14: '000123456789' };

/** What the link wrote, as the terminal sees it: each write arrives as one chunk. */
type Written = { kind: 'control'; byte: number } | { kind: 'frame'; raw: Buffer; message: Message };

/** The terminal end of the line, driven byte by byte by the test. */
class Terminal {
  readonly received: Written[] = [];
  #cursor = 0;
  #wake: Array<() => void> = [];
  /** Called for every chunk the link writes (before a test reads it). */
  onWrite: ((written: Written) => void) | undefined;

  constructor(readonly stream: MemoryStream) {
    stream.onData((chunk) => {
      const written = Terminal.#classify(chunk);
      this.received.push(written);
      this.onWrite?.(written);
      for (const wake of this.#wake.splice(0)) wake();
    });
  }

  static #classify(chunk: Buffer): Written {
    if (chunk.length === 1) return { kind: 'control', byte: chunk[0]! };
    expect(chunk[0]).toBe(STX);
    const length = chunk.readUInt16LE(1);
    expect(chunk.length).toBe(length + 5);
    expect(chunk.readUInt16BE(length + 3)).toBe(crc16Buypass(chunk, 0, length + 3));
    const parsed = parseFields(chunk.subarray(3, 3 + length));
    if (!parsed.ok) throw new Error(`the link wrote a malformed frame: ${parsed.reason}`);
    return { kind: 'frame', raw: Buffer.from(chunk), message: parsed.message };
  }

  /** The next chunk the link writes. */
  async next(timeoutMs = 1000): Promise<Written> {
    const deadline = Date.now() + timeoutMs;
    while (this.#cursor >= this.received.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the link wrote nothing within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received[this.#cursor++]!;
  }

  async nextFrame(): Promise<Extract<Written, { kind: 'frame' }>> {
    const written = await this.next();
    if (written.kind !== 'frame') throw new Error(`expected a frame, got control 0x${written.byte.toString(16)}`);
    return written;
  }

  async nextControl(): Promise<number> {
    const written = await this.next();
    if (written.kind !== 'control') throw new Error(`expected a control byte, got a frame ${written.message.toRecord()}`);
    return written.byte;
  }

  /** Nothing else is written for a while. */
  async quiet(ms: number): Promise<void> {
    await delay(ms);
    expect(this.received.slice(this.#cursor)).toEqual([]);
  }

  send(bytes: Uint8Array | number[]): Promise<void> {
    return this.stream.write(Uint8Array.from(bytes));
  }

  sendMessage(fields: FieldInput): Promise<void> {
    return this.send(encodeFrame(Message.of(fields)));
  }

  /** ACKs the request frame and checks it is the one expected. */
  async takeRequest(expected: Message): Promise<void> {
    const frame = await this.nextFrame();
    expect(frame.raw.equals(encodeFrame(expected))).toBe(true);
    await this.send([ACK]);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function corrupt(frame: Buffer): Buffer {
  const copy = Buffer.from(frame);
  copy[copy.length - 1]! ^= 0x5a;
  return copy;
}

async function rejection(promise: Promise<unknown>): Promise<PinpadError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PinpadError);
    return error as PinpadError;
  }
  throw new Error('expected the promise to reject');
}

const streams: MemoryStream[] = [];

afterEach(async () => {
  for (const stream of streams.splice(0)) await stream.close();
});

function setup(linkOptions: LinkOptions = {}, sessionOptions: SessionOptions = {}) {
  const [till, line] = memoryPair();
  streams.push(till, line);
  const link = new Link(till, { ackTimeoutMs: 50, interByteTimeoutMs: 20, ...linkOptions });
  const session = new Session(link, sessionOptions);
  const terminal = new Terminal(line);
  const events: SessionEvent[] = [];
  const options = (extra: Partial<TransactOptions> = {}): TransactOptions => ({
    responseTimeoutMs: 300,
    operationTimeoutMs: 3000,
    onEvent: (event) => events.push(event),
    ...extra,
  });
  return { till, line, link, session, terminal, events, options };
}

describe('Link: ACK and NAK of incoming frames', () => {
  it('ACKs the request exchange: WAIT frames and the final response are ACKed, the final response is returned', async () => {
    const { session, terminal, events, options } = setup();
    const result = session.transact(SALE, options());
    await terminal.takeRequest(SALE);
    await terminal.send(WAIT_FRAME);
    expect(await terminal.nextControl()).toBe(ACK);
    await terminal.send(WAIT_FRAME);
    expect(await terminal.nextControl()).toBe(ACK);
    await terminal.sendMessage(APPROVED);
    expect(await terminal.nextControl()).toBe(ACK);
    const response = await result;
    expect(response.int(39)).toBe(1);
    expect(response.text(19)).toBe('ОДОБРЕНО');
    expect(response.text(14)).toBe('000123456789');
    expect(events.filter((event) => event.type === 'wait')).toHaveLength(2);
    expect(events[0]).toEqual({ type: 'sent' });
    expect(session.busy).toBe(false);
  });

  it('NAKs a frame with a bad CRC and ACKs the good copy that follows', async () => {
    const { session, terminal, options } = setup();
    const result = session.transact(SALE, options());
    await terminal.takeRequest(SALE);
    await terminal.send(corrupt(WAIT_FRAME));
    expect(await terminal.nextControl()).toBe(NAK);
    await terminal.send(WAIT_FRAME);
    expect(await terminal.nextControl()).toBe(ACK);
    await terminal.sendMessage(APPROVED);
    expect(await terminal.nextControl()).toBe(ACK);
    expect((await result).int(39)).toBe(1);
  });

  it('NAKs a corrupted final response once and completes with the resent copy', async () => {
    const { session, terminal, options } = setup();
    const result = session.transact(SALE, options());
    await terminal.takeRequest(SALE);
    const good = encodeFrame(Message.of(APPROVED));
    const bad = Buffer.from(good);
    bad[12]! ^= 0x08; // inside field 0; the frame also carries 0x04 and 0x05 bytes
    await terminal.send(bad);
    expect(await terminal.nextControl()).toBe(NAK);
    await delay(60); // longer than the inter-byte timeout: stale bytes are flushed
    await terminal.send(good);
    expect(await terminal.nextControl()).toBe(ACK);
    expect((await result).int(39)).toBe(1);
    await terminal.quiet(30);
  });

  it('two bad frames and then a good one do not fault the link', async () => {
    const { session, terminal, options } = setup();
    const result = session.transact(SALE, options());
    await terminal.takeRequest(SALE);
    for (let i = 0; i < 2; i++) {
      await terminal.send(corrupt(WAIT_FRAME));
      expect(await terminal.nextControl()).toBe(NAK);
      await delay(40);
    }
    await terminal.send(WAIT_FRAME);
    expect(await terminal.nextControl()).toBe(ACK);
    await terminal.sendMessage(APPROVED);
    expect(await terminal.nextControl()).toBe(ACK);
    expect((await result).int(39)).toBe(1);
  });

  it('3 bad frames in a row end the transaction with a checksum error', async () => {
    const { session, terminal, options } = setup();
    const result = rejection(session.transact(SALE, options()));
    await terminal.takeRequest(SALE);
    for (let i = 0; i < 3; i++) {
      await terminal.send(corrupt(WAIT_FRAME));
      expect(await terminal.nextControl()).toBe(NAK);
    }
    const error = await result;
    expect(error.code).toBe('checksum');
    expect(error.delivery).not.toBe('none');
  });
});

describe('Link: sending with retransmission', () => {
  it('resends the byte-identical frame after a NAK', async () => {
    const { session, terminal, options } = setup();
    const result = session.transact(SALE, options());
    const first = await terminal.nextFrame();
    await terminal.send([NAK]);
    const second = await terminal.nextFrame();
    expect(second.raw.equals(first.raw)).toBe(true);
    expect(first.raw.equals(encodeFrame(SALE))).toBe(true);
    await terminal.send([ACK]);
    await terminal.quiet(80); // no further copy once ACKed (ACK timeout is 50 ms)
    await terminal.sendMessage(APPROVED);
    expect(await terminal.nextControl()).toBe(ACK);
    expect((await result).int(39)).toBe(1);
  });

  it('resends the byte-identical frame when the ACK does not come', async () => {
    const { session, terminal, options } = setup();
    const result = session.transact(SALE, options());
    const first = await terminal.nextFrame();
    const second = await terminal.nextFrame(); // after the 50 ms ACK timeout
    expect(second.raw.equals(first.raw)).toBe(true);
    await terminal.send([ACK]);
    await terminal.sendMessage(APPROVED);
    expect(await terminal.nextControl()).toBe(ACK);
    expect((await result).int(39)).toBe(1);
  });

  it('takes a frame from the terminal as an implicit ACK', async () => {
    const { session, terminal, options } = setup();
    const result = session.transact(SALE, options());
    await terminal.nextFrame();
    await terminal.send(WAIT_FRAME); // the ACK was lost, the terminal is already working
    expect(await terminal.nextControl()).toBe(ACK);
    await terminal.sendMessage(APPROVED);
    expect(await terminal.nextControl()).toBe(ACK);
    expect((await result).int(39)).toBe(1);
    expect(terminal.received.filter((written) => written.kind === 'frame')).toHaveLength(1);
  });

  it('fails with a link error and delivery "none" when every try is NAKed', async () => {
    const { session, terminal, options } = setup();
    terminal.onWrite = (written) => {
      if (written.kind === 'frame') void terminal.send([NAK]);
    };
    const error = await rejection(session.transact(SALE, options()));
    expect(error.code).toBe('link');
    expect(error.delivery).toBe('none');
    const copies = terminal.received.filter((written) => written.kind === 'frame');
    expect(copies).toHaveLength(4); // the first try and 3 retransmissions
    expect(copies.every((copy) => copy.kind === 'frame' && copy.raw.equals(encodeFrame(SALE)))).toBe(true);
    expect(session.busy).toBe(false);
  });

  it('fails with a link error and delivery "maybe" when the ACK never comes', async () => {
    const { session, terminal, options } = setup({ ackTimeoutMs: 20 });
    const error = await rejection(session.transact(SALE, options()));
    expect(error.code).toBe('link');
    expect(error.delivery).toBe('maybe');
    expect(terminal.received.filter((written) => written.kind === 'frame')).toHaveLength(4);
  });

  it('refuses to start when the stream is closed, with delivery "none"', async () => {
    const { session, line, options } = setup();
    await line.close();
    const error = await rejection(session.transact(SALE, options()));
    expect(error.code).toBe('link');
    expect(error.delivery).toBe('none');
  });
});

describe('Session', () => {
  it('keeps waiting past the response timeout while WAIT frames come', async () => {
    const { session, terminal, events, options } = setup();
    const result = session.transact(SALE, options({ responseTimeoutMs: 300 }));
    await terminal.takeRequest(SALE);
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      await delay(90);
      await terminal.send(WAIT_FRAME);
      expect(await terminal.nextControl()).toBe(ACK);
    }
    // Well over twice the response timeout has passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    await terminal.sendMessage(APPROVED);
    expect((await result).int(39)).toBe(1);
    expect(events.filter((event) => event.type === 'wait')).toHaveLength(10);
  });

  it('answers command-mode requests: 65=16 is not supported (67=1), a screen text is done (67=0)', async () => {
    const { session, terminal, events, options } = setup();
    const result = session.transact(SALE, options());
    await terminal.takeRequest(SALE);

    await terminal.sendMessage({ 25: '63', 65: '16', 70: Buffer.from('10.0.0.1;443', 'ascii') });
    expect(await terminal.nextControl()).toBe(ACK);
    const openLink = await terminal.nextFrame();
    expect(openLink.message.toRecord()).toEqual({ 25: '63', 65: '16', 67: '1' });
    await terminal.send([ACK]);

    await terminal.sendMessage({ 25: '63', 71: 'ВСТАВЬТЕ КАРТУ' });
    expect(await terminal.nextControl()).toBe(ACK);
    const screen = await terminal.nextFrame();
    expect(screen.message.int(25)).toBe(63);
    expect(screen.message.int(67)).toBe(0);
    await terminal.send([ACK]);

    await terminal.sendMessage(APPROVED);
    expect(await terminal.nextControl()).toBe(ACK);
    expect((await result).int(39)).toBe(1);
    expect(events).toContainEqual({ type: 'screen', text: 'ВСТАВЬТЕ КАРТУ' });
    expect(events).toContainEqual({ type: 'command', command: 16, result: 1 });
    expect(events).toContainEqual({ type: 'command', command: undefined, result: 0 });
  });

  it('takes the answer to a user command without field 39 (same 65) as final, and a different 65 as a request', async () => {
    const { session, terminal, options } = setup();
    const report = Message.of({ 25: 63, 65: 20, 27: '00322346' });
    const result = session.transact(report, options());
    await terminal.takeRequest(report);
    // The terminal asks for a host link in the middle of the report: a request, answered 67=1.
    await terminal.sendMessage({ 25: '63', 65: '16' });
    expect(await terminal.nextControl()).toBe(ACK);
    expect((await terminal.nextFrame()).message.toRecord()).toEqual({ 25: '63', 65: '16', 67: '1' });
    await terminal.send([ACK]);
    // The report itself, answered with 67 and the slip but no 39.
    await terminal.sendMessage({ 25: '63', 65: '20', 67: '0', 90: '0xDF^^ОТЧЕТ~ИТОГО 0.00' });
    expect(await terminal.nextControl()).toBe(ACK);
    const answer = await result;
    expect(answer.text(90)).toBe('0xDF^^ОТЧЕТ~ИТОГО 0.00');
    expect(answer.int(67)).toBe(0);
  });

  it('returns a 25=63 frame that carries field 39 as the final response', async () => {
    const { session, terminal, options } = setup();
    const report = Message.of({ 25: 63, 65: 20, 26: '7', 27: '00322346' });
    const result = session.transact(report, options());
    await terminal.takeRequest(report);
    await terminal.sendMessage({ 25: '63', 65: '20', 26: '7', 39: '1', 90: '0xDF^^ОТЧЕТ~0xDD^^' });
    expect(await terminal.nextControl()).toBe(ACK);
    const response = await result;
    expect(response.text(90)).toBe('0xDF^^ОТЧЕТ~0xDD^^');
    await terminal.quiet(30); // no command answer was sent
  });

  it('ignores a final response with a different field 26 (a late answer to an earlier request)', async () => {
    const { session, terminal, options } = setup();
    const result = session.transact(SALE, options());
    await terminal.takeRequest(SALE);
    await terminal.sendMessage({ ...APPROVED, 26: '11', 39: '16', 19: 'ОТКАЗ' });
    expect(await terminal.nextControl()).toBe(ACK);
    let settled = false;
    void result.then(
      () => (settled = true),
      () => (settled = true),
    );
    await delay(30);
    expect(settled).toBe(false);
    await terminal.sendMessage(APPROVED);
    expect(await terminal.nextControl()).toBe(ACK);
    const response = await result;
    expect(response.text(26)).toBe('12');
    expect(response.int(39)).toBe(1);
  });

  it('fails with a timeout, delivery not "none", when the terminal goes quiet after the ACK', async () => {
    const { session, terminal, options } = setup();
    const result = rejection(session.transact(SALE, options({ responseTimeoutMs: 60 })));
    await terminal.takeRequest(SALE);
    const error = await result;
    expect(error.code).toBe('timeout');
    expect(error.delivery).not.toBe('none');
  });

  it('fails with a timeout, delivery "delivered", when the operation timeout passes despite WAIT frames', async () => {
    const { session, terminal, options } = setup();
    const result = rejection(session.transact(SALE, options({ responseTimeoutMs: 100, operationTimeoutMs: 150 })));
    await terminal.takeRequest(SALE);
    const waits = setInterval(() => void terminal.send(WAIT_FRAME).catch(() => undefined), 30);
    try {
      const error = await result;
      expect(error.code).toBe('timeout');
      expect(error.delivery).toBe('delivered');
    } finally {
      clearInterval(waits);
    }
  });

  it('fails with a link error when the stream closes mid-transaction', async () => {
    const { session, terminal, line, options } = setup();
    const result = rejection(session.transact(SALE, options()));
    await terminal.takeRequest(SALE);
    await terminal.send(WAIT_FRAME);
    expect(await terminal.nextControl()).toBe(ACK);
    line.disconnect();
    const error = await result;
    expect(error.code).toBe('link');
    expect(error.delivery).toBe('delivered');
    expect(session.busy).toBe(false);
  });

  it('fails with a link error when the stream closes while waiting for the ACK', async () => {
    const { session, terminal, line, options } = setup({ ackTimeoutMs: 1000 });
    const result = rejection(session.transact(SALE, options()));
    await terminal.nextFrame();
    await line.close();
    const error = await result;
    expect(error.code).toBe('link');
    expect(error.delivery).toBe('maybe');
  });

  it('on abort after sending writes EOT and still returns what the terminal answers', async () => {
    const { session, terminal, events, options } = setup();
    const controller = new AbortController();
    const result = session.transact(SALE, options({ signal: controller.signal, abortGraceMs: 500 }));
    await terminal.takeRequest(SALE);
    await terminal.send(WAIT_FRAME);
    expect(await terminal.nextControl()).toBe(ACK);
    controller.abort();
    expect(await terminal.nextControl()).toBe(EOT);
    // The card had already been read: the terminal says approved, and that is the outcome.
    await terminal.sendMessage(APPROVED);
    expect(await terminal.nextControl()).toBe(ACK);
    const response = await result;
    expect(response.int(39)).toBe(1);
    expect(events).toContainEqual({ type: 'abort-sent' });
  });

  it('on abort with no answer at all fails as cancelled, delivery not "none"', async () => {
    const { session, terminal, options } = setup();
    const controller = new AbortController();
    const result = rejection(session.transact(SALE, options({ signal: controller.signal, abortGraceMs: 50 })));
    await terminal.takeRequest(SALE);
    await delay(10);
    controller.abort();
    expect(await terminal.nextControl()).toBe(EOT);
    const error = await result;
    expect(error.code).toBe('cancelled');
    expect(error.delivery).not.toBe('none');
  });

  it('refuses an already aborted signal before sending anything', async () => {
    const { session, terminal, options } = setup();
    const error = await rejection(session.transact(SALE, options({ signal: AbortSignal.abort() })));
    expect(error.code).toBe('cancelled');
    expect(error.delivery).toBe('none');
    await terminal.quiet(20);
  });

  it('rejects a second transact while one is running with a busy error', async () => {
    const { session, terminal, options } = setup();
    const first = session.transact(SALE, options());
    expect(session.busy).toBe(true);
    const error = await rejection(session.transact(Message.of({ 25: 26, 27: '00322346' }), options()));
    expect(error.code).toBe('busy');
    await terminal.takeRequest(SALE);
    await terminal.sendMessage(APPROVED);
    expect(await terminal.nextControl()).toBe(ACK);
    expect((await first).int(39)).toBe(1);
    // Only the first request went out.
    expect(terminal.received.filter((written) => written.kind === 'frame')).toHaveLength(1);
  });
});
