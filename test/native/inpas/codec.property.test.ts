import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFields, encodeFrame, encodePackets, FrameDecoder, PacketAssembler, type DecodeEvent } from '../../../native/inpas/codec.js';
import { Message } from '../../../native/inpas/message.js';

/** A message with arbitrary tags (0..255) and arbitrary byte values (0..300 bytes, empty included). */
function messageArb(options: { maxFields?: number; maxValue?: number } = {}): fc.Arbitrary<Message> {
  return fc
    .uniqueArray(fc.record({ tag: fc.integer({ min: 0, max: 255 }), value: fc.uint8Array({ maxLength: options.maxValue ?? 300 }) }), {
      selector: (field) => field.tag,
      maxLength: options.maxFields ?? 12,
    })
    .map((fields) => Message.fromFields(new Map(fields.map(({ tag, value }) => [tag, Buffer.from(value)]))));
}

/** Cut points for a stream, as fractions so that they fit any length. */
const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

function chunk(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => Math.floor(cut * stream.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, stream.length]) {
    chunks.push(stream.subarray(from, point));
    from = point;
  }
  return chunks;
}

function fieldsOf(message: Message): Array<[number, string]> {
  return [...message.entries()].map(([tag, bytes]) => [tag, bytes.toString('hex')]);
}

/** Pushes every chunk and then flushes until nothing is held (each flush drops at least one byte). */
function decodeAll(decoder: FrameDecoder, chunks: Uint8Array[]): DecodeEvent[] {
  const events: DecodeEvent[] = [];
  for (const part of chunks) events.push(...decoder.push(part));
  let guard = chunks.reduce((sum, part) => sum + part.length, 0) + 1;
  while (decoder.pending > 0) {
    const before = decoder.pending;
    events.push(...decoder.flushStale());
    expect(decoder.pending).toBeLessThan(before);
    if (--guard < 0) throw new Error('flushStale does not make progress');
  }
  return events;
}

/** How many input bytes the events account for. */
function accounted(events: DecodeEvent[]): number {
  return events.reduce((sum, event) => {
    switch (event.type) {
      case 'control':
        return sum + 1;
      case 'invalid':
        return sum + event.bytes.length;
      default:
        return sum + event.raw.length;
    }
  }, 0);
}

describe('FrameDecoder properties', () => {
  it('(a) round-trips any messages under any chunking of the byte stream', () => {
    fc.assert(
      fc.property(fc.array(messageArb(), { minLength: 1, maxLength: 4 }), cutsArb, (messages, cuts) => {
        const stream = Buffer.concat(messages.map((message) => encodeFrame(message)));
        const decoder = new FrameDecoder();
        const events: DecodeEvent[] = [];
        for (const part of chunk(stream, cuts)) events.push(...decoder.push(part));
        expect(events.every((event) => event.type === 'frame')).toBe(true);
        expect(events.map((event) => (event.type === 'frame' ? fieldsOf(event.message) : []))).toEqual(messages.map(fieldsOf));
        expect(decoder.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('(b) push() never throws on arbitrary bytes, nor flushStale() after, and accounts for every byte', () => {
    const noisyByte = fc.oneof(fc.constantFrom(0x01, 0x02, 0x04, 0x05, 0x06, 0x15, 0x00, 0xff), fc.integer({ min: 0, max: 255 }));
    const chunkArb = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.array(noisyByte, { maxLength: 64 }).map((bytes) => Uint8Array.from(bytes)),
    );
    fc.assert(
      fc.property(fc.array(chunkArb, { maxLength: 10 }), fc.integer({ min: 0, max: 300 }), (chunks, maxLength) => {
        const decoder = new FrameDecoder({ maxLength });
        const events = decodeAll(decoder, chunks);
        expect(decoder.pending).toBe(0);
        expect(accounted(events)).toBe(chunks.reduce((sum, part) => sum + part.length, 0));
      }),
      { numRuns: 500 },
    );
  });

  it('(c) recovers after junk: the valid frame that follows is emitted exactly once', () => {
    const junkByte = fc.oneof(fc.constantFrom(0x01, 0x02), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(junkByte, { maxLength: 80 }), messageArb({ maxFields: 6, maxValue: 60 }), cutsArb, (junk, message, cuts) => {
        const frame = encodeFrame(message);
        const stream = Buffer.concat([Uint8Array.from(junk), frame]);
        const decoder = new FrameDecoder();
        const events: DecodeEvent[] = [];
        for (const part of chunk(stream, cuts)) events.push(...decoder.push(part));
        // At most a few silences to drop false starts in the junk.
        for (let i = 0; i < 3 && decoder.pending > 0 && !events.some((event) => event.type === 'frame'); i++) events.push(...decoder.flushStale());
        const frames = events.filter((event) => event.type === 'frame');
        expect(frames).toHaveLength(1);
        expect(frames[0]?.type === 'frame' && fieldsOf(frames[0].message)).toEqual(fieldsOf(message));
        expect(frames[0]?.type === 'frame' && frames[0].raw.equals(frame)).toBe(true);
        expect(decoder.pending).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('(d) rejects every single-bit flip of a valid frame', () => {
    fc.assert(
      fc.property(messageArb({ maxFields: 5, maxValue: 40 }), (message) => {
        const frame = encodeFrame(message);
        for (let bit = 0; bit < frame.length * 8; bit++) {
          const flipped = Buffer.from(frame);
          flipped[bit >> 3]! ^= 1 << (bit & 7);
          const decoder = new FrameDecoder();
          const events = decodeAll(decoder, [flipped]);
          const decoded = events.filter((event) => event.type === 'frame' || event.type === 'packet');
          if (decoded.length > 0) throw new Error(`bit ${bit} flipped in ${frame.toString('hex')} still decoded: ${JSON.stringify(decoded)}`);
          expect(decoder.pending).toBe(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('(e) round-trips messages split into SOH packets under any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(messageArb({ maxFields: 8 }), fc.integer({ min: 1, max: 400 })), { minLength: 1, maxLength: 3 }),
        cutsArb,
        (items, cuts) => {
          const split = items.map(([message, max]) => {
            const size = encodeFields(message).length;
            // At most 255 packets fit the 1-byte packet number.
            return encodePackets(message, Math.max(max, Math.ceil(size / 255)));
          });
          const decoder = new FrameDecoder();
          const assembler = new PacketAssembler();
          const joined: Message[] = [];
          let packetCount = 0;
          for (const part of chunk(Buffer.concat(split.flat()), cuts)) {
            for (const event of decoder.push(part)) {
              expect(event.type).toBe('packet');
              if (event.type !== 'packet') continue;
              packetCount++;
              const result = assembler.add(event.packet);
              expect(result.type === 'message' || result.type === 'pending').toBe(true);
              if (result.type === 'message') joined.push(result.message);
            }
          }
          expect(packetCount).toBe(split.flat().length);
          expect(joined.map(fieldsOf)).toEqual(items.map(([message]) => fieldsOf(message)));
          expect(decoder.pending).toBe(0);
          expect(assembler.inProgress).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
