import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeFields,
  encodeFrame,
  encodePackets,
  FrameDecoder,
  PacketAssembler,
  parseFields,
  type DecodeEvent,
  type SohPacket,
} from '../../../native/inpas/codec.js';
import { crc16Buypass } from '../../../native/inpas/crc.js';
import { Message } from '../../../native/inpas/message.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** Known answers from docs/inpas-sa-protocol.md, section 1. */
const SALE_FIELDS = { 0: '10000', 4: '643', 25: '1', 26: '12', 27: '00322346' } as const;
const SALE_FRAME = hex(`02 22 00 00 05 00 31 30 30 30 30 04 03 00 36 34 33 19 01 00 31 1A 02 00 31 32
  1B 08 00 30 30 33 32 32 33 34 36 A2 56`);
const WAIT_FRAME = hex('02 05 00 19 02 00 32 31 A5 C2');

/** A frame around arbitrary body bytes with a correct CRC (for bodies encodeFrame would never build). */
function frameAround(body: Buffer, start = 0x02): Buffer {
  const frame = Buffer.alloc(body.length + 5);
  frame[0] = start;
  frame.writeUInt16LE(body.length, 1);
  body.copy(frame, 3);
  frame.writeUInt16BE(crc16Buypass(frame, 0, body.length + 3), body.length + 3);
  return frame;
}

function fieldsOf(message: Message): Array<[number, string]> {
  return [...message.entries()].map(([tag, bytes]) => [tag, bytes.toString('hex')]);
}

function frames(events: DecodeEvent[]): Message[] {
  return events.flatMap((event) => (event.type === 'frame' ? [event.message] : []));
}

function packets(events: DecodeEvent[]): SohPacket[] {
  return events.flatMap((event) => (event.type === 'packet' ? [event.packet] : []));
}

describe('CRC-16/BUYPASS', () => {
  it('has the check value 0xFEE8 for "123456789"', () => {
    expect(crc16Buypass(Buffer.from('123456789', 'ascii'))).toBe(0xfee8);
  });

  it('honours start and end offsets', () => {
    const padded = Buffer.from('xx123456789yy', 'ascii');
    expect(crc16Buypass(padded, 2, 11)).toBe(0xfee8);
  });

  it('is 0 for no bytes (init 0x0000, no final XOR)', () => {
    expect(crc16Buypass(Buffer.alloc(0))).toBe(0);
  });
});

describe('known-answer frames', () => {
  it('encodes the sale request to the documented bytes', () => {
    expect(encodeFrame(Message.of(SALE_FIELDS)).toString('hex')).toBe(SALE_FRAME.toString('hex'));
  });

  it('encodes numbers as decimal text, same bytes as strings', () => {
    expect(encodeFrame(Message.of({ 0: 10000, 4: 643, 25: 1, 26: 12, 27: '00322346' })).equals(SALE_FRAME)).toBe(true);
  });

  it('decodes the sale request bytes', () => {
    const events = new FrameDecoder().push(SALE_FRAME);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.type).toBe('frame');
    if (event?.type !== 'frame') return;
    expect(event.raw.equals(SALE_FRAME)).toBe(true);
    expect(event.message.toRecord()).toEqual({ 0: '10000', 4: '643', 25: '1', 26: '12', 27: '00322346' });
    expect(event.message.int(0)).toBe(10000);
    expect(event.message.tags()).toEqual([0, 4, 25, 26, 27]);
  });

  it('encodes and decodes the WAIT frame', () => {
    expect(encodeFrame(Message.of({ 25: '21' })).equals(WAIT_FRAME)).toBe(true);
    const decoder = new FrameDecoder();
    const decoded = frames(decoder.push(WAIT_FRAME));
    expect(decoded).toHaveLength(1);
    expect(decoded[0]?.int(25)).toBe(21);
    expect(decoder.pending).toBe(0);
  });

  it('puts LEN little-endian and the CRC high byte first', () => {
    expect(SALE_FRAME.readUInt16LE(1)).toBe(SALE_FRAME.length - 5);
    expect(SALE_FRAME.readUInt16BE(SALE_FRAME.length - 2)).toBe(crc16Buypass(SALE_FRAME, 0, SALE_FRAME.length - 2));
  });

  it('decodes a frame delivered one byte at a time', () => {
    const decoder = new FrameDecoder();
    const events: DecodeEvent[] = [];
    for (const byte of SALE_FRAME) events.push(...decoder.push(Uint8Array.of(byte)));
    expect(frames(events).map(fieldsOf)).toEqual([fieldsOf(Message.of(SALE_FIELDS))]);
    expect(events.filter((event) => event.type === 'invalid')).toEqual([]);
  });

  it('reports control bytes between frames', () => {
    const events = new FrameDecoder().push(Buffer.concat([Buffer.from([0x06]), WAIT_FRAME, Buffer.from([0x15, 0x04, 0x05])]));
    expect(events.map((event) => (event.type === 'control' ? event.control : event.type))).toEqual(['ACK', 'frame', 'NAK', 'EOT', 'ENQ']);
  });
});

describe('CP1251 and binary fields', () => {
  it('sends Cyrillic text as CP1251 and decodes it back', () => {
    const frame = encodeFrame(Message.of({ 19: 'ОДОБРЕНО' }));
    expect(frame.subarray(3, frame.length - 2).toString('hex')).toBe('130800cec4cec1d0c5cdce');
    const [message] = frames(new FrameDecoder().push(frame));
    expect(message?.text(19)).toBe('ОДОБРЕНО');
  });

  it('keeps a binary field as bytes, including bytes CP1251 does not map', () => {
    const emv = Uint8Array.from([0x00, 0x98, 0xff, 0x02, 0x01, 0x04, 0x06, 0x15, 0x9f, 0x26]);
    const [message] = frames(new FrameDecoder().push(encodeFrame(Message.of({ 55: emv, 25: 1 }))));
    expect(message?.bytes(55)?.equals(Buffer.from(emv))).toBe(true);
    expect(message?.toRecord()[55]).toBe('0098ff02010406159f26');
  });

  it('leaves out empty values when building a message', () => {
    const message = Message.of({ 0: '', 4: undefined, 25: '1' });
    expect(message.tags()).toEqual([25]);
  });
});

describe('SOH packets', () => {
  const segment = '0xDF^^ОПЛАТА~СУММА: 100.00 РУБ~КАРТА: ************1234~ОДОБРЕНО~КОД АВТОРИЗАЦИИ: 123456~';
  const slip = (segment.repeat(Math.ceil(3000 / segment.length)) + '0xDD^^').slice(0, 3000);
  const longMessage = Message.of({ 25: 1, 26: '12', 39: '1', 19: 'ОДОБРЕНО', 90: slip });
  const MAX = 1000;

  it('splits a long slip into numbered parts and joins them back', () => {
    const parts = encodePackets(longMessage, MAX);
    const fieldBytes = encodeFields(longMessage);
    expect(parts).toHaveLength(Math.ceil(fieldBytes.length / MAX));
    expect(parts.length).toBeGreaterThanOrEqual(4);

    const decoder = new FrameDecoder();
    const events = decoder.push(Buffer.concat(parts));
    expect(events.every((event) => event.type === 'packet')).toBe(true);
    const got = packets(events);
    expect(got.map((packet) => packet.number)).toEqual([...parts.keys()].map((i) => (i === parts.length - 1 ? 0 : i + 1)));
    expect(got.every((packet) => packet.version === 1)).toBe(true);
    for (const part of parts) {
      expect(part[0]).toBe(0x01);
      // LEN counts the header length bytes, the header TLVs and the field bytes.
      expect(part.readUInt16LE(1)).toBe(part.length - 5);
    }
    // Field 90 is longer than a packet: it is cut, so the first part alone does not parse.
    expect(got[0]?.body.length).toBe(MAX);
    const alone = parseFields(got[0]!.body);
    expect(alone.ok).toBe(false);

    const assembler = new PacketAssembler();
    const results = got.map((packet) => assembler.add(packet));
    expect(results.slice(0, -1).every((result) => result.type === 'pending')).toBe(true);
    const last = results.at(-1);
    expect(last?.type).toBe('message');
    if (last?.type !== 'message') return;
    expect(last.message.text(90)).toBe(slip);
    expect(fieldsOf(last.message)).toEqual(fieldsOf(longMessage));
    expect(assembler.inProgress).toBe(false);
  });

  it('joins parts delivered in small chunks', () => {
    const stream = Buffer.concat(encodePackets(longMessage, 700));
    const decoder = new FrameDecoder();
    const assembler = new PacketAssembler();
    const messages: Message[] = [];
    for (let i = 0; i < stream.length; i += 37) {
      for (const event of decoder.push(stream.subarray(i, i + 37))) {
        expect(event.type).toBe('packet');
        if (event.type !== 'packet') continue;
        const result = assembler.add(event.packet);
        if (result.type === 'message') messages.push(result.message);
      }
    }
    expect(messages.map(fieldsOf)).toEqual([fieldsOf(longMessage)]);
  });

  it('sends a short message as a single last packet', () => {
    const parts = encodePackets(Message.of({ 25: '21' }), 1000);
    expect(parts).toHaveLength(1);
    const [packet] = packets(new FrameDecoder().push(parts[0]!));
    expect(packet?.number).toBe(0);
    const result = new PacketAssembler().add(packet!);
    expect(result.type === 'message' && result.message.int(25)).toBe(21);
  });

  it('ignores a resent (duplicate) packet', () => {
    const got = packets(new FrameDecoder().push(Buffer.concat(encodePackets(longMessage, MAX))));
    const assembler = new PacketAssembler();
    expect(assembler.add(got[0]!).type).toBe('pending');
    expect(assembler.add(got[0]!).type).toBe('duplicate');
    expect(assembler.add(got[1]!).type).toBe('pending');
    expect(assembler.add(got[1]!).type).toBe('duplicate');
    let last = assembler.add(got[2]!);
    for (const packet of got.slice(3)) last = assembler.add(packet);
    expect(last.type).toBe('message');
    expect(last.type === 'message' && fieldsOf(last.message)).toEqual(fieldsOf(longMessage));
  });

  it('reports an out-of-order packet as an error and starts over', () => {
    const got = packets(new FrameDecoder().push(Buffer.concat(encodePackets(longMessage, MAX))));
    expect(got.length).toBeGreaterThanOrEqual(4);
    const assembler = new PacketAssembler();
    expect(assembler.add(got[0]!).type).toBe('pending');
    const result = assembler.add(got[2]!);
    expect(result.type).toBe('error');
    expect(result.type === 'error' && result.reason).toMatch(/packet 3 after packet 1/);
    expect(assembler.inProgress).toBe(false);
    // A fresh sequence afterwards is joined normally.
    let last = assembler.add(got[0]!);
    for (const packet of got.slice(1)) last = assembler.add(packet);
    expect(last.type === 'message' && last.message.text(90)).toBe(slip);
  });

  it('treats the last packet sent again after the message was complete as a duplicate', () => {
    const got = packets(new FrameDecoder().push(Buffer.concat(encodePackets(longMessage, MAX))));
    const assembler = new PacketAssembler();
    let last = assembler.add(got[0]!);
    for (const packet of got.slice(1)) last = assembler.add(packet);
    expect(last.type).toBe('message');
    expect(assembler.add(got[got.length - 1]!).type).toBe('duplicate');
    // And the next message still assembles.
    let next = assembler.add(got[0]!);
    for (const packet of got.slice(1)) next = assembler.add(packet);
    expect(next.type === 'message' && next.message.text(90)).toBe(slip);
  });

  it('refuses a sequence that does not start with its first packet', () => {
    const got = packets(new FrameDecoder().push(Buffer.concat(encodePackets(longMessage, MAX))));
    const result = new PacketAssembler().add(got[1]!);
    expect(result.type).toBe('error');
    expect(result.type === 'error' && result.reason).toMatch(/without the packets before it/);
  });

  it('rejects maxFieldBytes that is not a positive integer', () => {
    expect(() => encodePackets(longMessage, 0)).toThrow(RangeError);
    expect(() => encodePackets(longMessage, 1.5)).toThrow(RangeError);
  });
});

describe('FrameDecoder resynchronisation', () => {
  it('drops a stray STX before a frame and still decodes the frame without flushStale', () => {
    const decoder = new FrameDecoder();
    const events = decoder.push(Buffer.concat([Buffer.from([0x02]), SALE_FRAME]));
    expect(frames(events).map(fieldsOf)).toEqual([fieldsOf(Message.of(SALE_FIELDS))]);
    const invalid = events.filter((event) => event.type === 'invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.type === 'invalid' && [...invalid[0].bytes]).toEqual([0x02]);
    expect(decoder.pending).toBe(0);
  });

  it('drops a stray STX that arrived in its own chunk once the frame is in', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.from([0x02]))).toEqual([]);
    expect(decoder.pending).toBe(1);
    const events = decoder.push(WAIT_FRAME);
    expect(frames(events).map((message) => message.int(25))).toEqual([21]);
    expect(decoder.pending).toBe(0);
  });

  it('finds the real frame inside a false start whose LEN ends within it', () => {
    // Stray 02 03 00: a "frame" of 8 bytes that fails its CRC and swallows the real frame's start.
    const decoder = new FrameDecoder();
    const events = decoder.push(Buffer.concat([hex('02 03 00'), WAIT_FRAME]));
    expect(frames(events).map((message) => message.int(25))).toEqual([21]);
    expect(events.filter((event) => event.type === 'invalid' && event.badFrame)).toHaveLength(1);
    expect(decoder.pending).toBe(0);
  });

  it('drops a lone stray STX on flushStale', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.from([0x02]))).toEqual([]);
    expect(decoder.pending).toBe(1);
    const events = decoder.flushStale();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'invalid', badFrame: true });
    expect(events[0]?.type === 'invalid' && [...events[0].bytes]).toEqual([0x02]);
    expect(decoder.pending).toBe(0);
    expect(decoder.flushStale()).toEqual([]);
    // And the decoder still works.
    expect(frames(decoder.push(WAIT_FRAME))).toHaveLength(1);
  });

  it('drops junk before a frame as bytes outside a frame', () => {
    const events = new FrameDecoder().push(Buffer.concat([Buffer.from([0x41, 0x42, 0xff]), WAIT_FRAME]));
    expect(events[0]).toMatchObject({ type: 'invalid', badFrame: false });
    expect(events[0]?.type === 'invalid' && events[0].bytes.toString('hex')).toBe('4142ff');
    expect(frames(events)).toHaveLength(1);
  });

  it('rejects a LEN above the limit and then decodes the next frame', () => {
    const decoder = new FrameDecoder({ maxLength: 100 });
    const events = decoder.push(Buffer.concat([hex('02 FF 00 00'), WAIT_FRAME]));
    const tooBig = events.find((event) => event.type === 'invalid' && /exceeds 100/.test(event.reason));
    expect(tooBig).toMatchObject({ type: 'invalid', badFrame: true });
    expect(frames(events).map((message) => message.int(25))).toEqual([21]);
    expect(decoder.pending).toBe(0);
  });

  it('does not wait for a LEN above the limit', () => {
    const decoder = new FrameDecoder({ maxLength: 100 });
    const events = decoder.push(hex('02 65 00'));
    expect(events[0]).toMatchObject({ type: 'invalid', badFrame: true });
    expect(decoder.pending).toBe(0);
  });

  it('reports a bad CRC as an invalid bad frame and emits no frame', () => {
    const corrupt = Buffer.from(SALE_FRAME);
    corrupt[corrupt.length - 1]! ^= 0x01;
    const decoder = new FrameDecoder();
    const events = [...decoder.push(corrupt)];
    while (decoder.pending > 0) events.push(...decoder.flushStale());
    expect(frames(events)).toEqual([]);
    const first = events[0];
    expect(first).toMatchObject({ type: 'invalid', badFrame: true });
    expect(first?.type === 'invalid' && first.reason).toMatch(/CRC mismatch/);
  });

  it('counts a corrupted frame as one bad frame and reads no control bytes inside it', () => {
    // The sale frame carries 0x05 (a length) and 0x04 (the currency tag): ENQ and EOT if misread.
    const corrupt = Buffer.from(SALE_FRAME);
    corrupt[10]! ^= 0x01;
    const decoder = new FrameDecoder();
    const events = [...decoder.push(corrupt)];
    while (decoder.pending > 0) events.push(...decoder.flushStale());
    expect(events.filter((event) => event.type === 'control')).toEqual([]);
    expect(events.filter((event) => event.type === 'invalid' && event.badFrame)).toHaveLength(1);
    // Every byte is accounted for as discarded.
    const discarded = events.reduce((sum, event) => sum + (event.type === 'invalid' ? event.bytes.length : 0), 0);
    expect(discarded).toBe(corrupt.length);
    // The resent good copy is decoded.
    expect(frames(decoder.push(SALE_FRAME))).toHaveLength(1);
  });

  it('still reads a control byte that follows a corrupted frame', () => {
    const corrupt = Buffer.from(WAIT_FRAME);
    corrupt[5]! ^= 0x10;
    const decoder = new FrameDecoder();
    const events = [...decoder.push(Buffer.concat([corrupt, Buffer.from([0x06])]))];
    // A start byte inside the rejected frame may be a real frame still arriving: wait for the silence.
    while (decoder.pending > 0) events.push(...decoder.flushStale());
    expect(events.filter((event) => event.type === 'invalid' && event.badFrame)).toHaveLength(1);
    expect(events.filter((event) => event.type === 'control').map((event) => event.type === 'control' && event.control)).toEqual(['ACK']);
  });

  it('rejects a CRC-valid frame with a duplicate tag', () => {
    const body = hex('19 01 00 31 19 01 00 32');
    const decoder = new FrameDecoder();
    const events = decoder.push(frameAround(body));
    expect(frames(events)).toEqual([]);
    expect(events[0]).toMatchObject({ type: 'invalid', badFrame: true });
    expect(events[0]?.type === 'invalid' && events[0].reason).toMatch(/field 25 appears twice/);
  });

  it('rejects a CRC-valid frame whose field overruns the body', () => {
    const events = new FrameDecoder().push(frameAround(hex('19 05 00 31')));
    expect(frames(events)).toEqual([]);
    expect(events[0]).toMatchObject({ type: 'invalid', badFrame: true });
  });

  it('rejects a CRC-valid SOH packet without a packet number', () => {
    const events = new FrameDecoder().push(frameAround(hex('03 00 01 00 00'), 0x01));
    expect(packets(events)).toEqual([]);
    expect(events[0]).toMatchObject({ type: 'invalid', badFrame: true });
  });

  it('reset() drops a half-received frame', () => {
    const decoder = new FrameDecoder();
    decoder.push(SALE_FRAME.subarray(0, 10));
    expect(decoder.pending).toBe(10);
    decoder.reset();
    expect(decoder.pending).toBe(0);
    expect(frames(decoder.push(WAIT_FRAME))).toHaveLength(1);
  });
});

describe('parseFields', () => {
  it('parses TLVs that exactly fill the bytes', () => {
    const result = parseFields(hex('19 02 00 32 31 46 00 00'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.message.text(25)).toBe('21');
    expect(result.message.bytes(70)?.length).toBe(0);
  });

  it('accepts no bytes as an empty message', () => {
    const result = parseFields(Buffer.alloc(0));
    expect(result.ok && result.message.size).toBe(0);
  });

  it('rejects a duplicate tag', () => {
    const result = parseFields(hex('19 01 00 31 00 01 00 35 19 01 00 32'));
    expect(result).toEqual({ ok: false, reason: 'field 25 appears twice' });
  });

  it('rejects a truncated field header and an overlong length', () => {
    const truncated = parseFields(hex('19 02'));
    expect(truncated.ok).toBe(false);
    expect(!truncated.ok && truncated.reason).toMatch(/truncated field header at byte 0/);
    const overlong = parseFields(hex('19 03 00 31 32'));
    expect(overlong.ok).toBe(false);
    expect(!overlong.ok && overlong.reason).toMatch(/declares 3 bytes, only 2 present/);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const result = parseFields(Buffer.from(bytes));
        expect(typeof result.ok).toBe('boolean');
        if (result.ok) expect(encodeFields(result.message).length).toBe(bytes.length);
      }),
      { numRuns: 500 },
    );
  });
});
