/** Inpas SA frame codec: STX/SOH frames with TLV fields and CRC-16/BUYPASS, and a decoder that never stalls on stray bytes. */
import { crc16Buypass } from './crc.js';
import { Message } from './message.js';
import { ACK, ENQ, EOT, NAK, SOH, STX } from './tags.js';

/** Header tags of a SOH packet. */
const HEADER_VERSION = 1;
const HEADER_PACKET_NUMBER = 2;

/** TLV bytes of a message: tag (1 byte) | length (2 bytes LE) | value. */
export function encodeFields(message: Message): Buffer {
  const parts: Buffer[] = [];
  for (const [tag, value] of message.entries()) {
    const head = Buffer.alloc(3);
    head[0] = tag;
    head.writeUInt16LE(value.length, 1);
    parts.push(head, value);
  }
  return Buffer.concat(parts);
}

function wrap(start: number, body: Buffer): Buffer {
  if (body.length > 0xffff) throw new RangeError(`frame body of ${body.length} bytes exceeds 65535`);
  const frame = Buffer.alloc(body.length + 5);
  frame[0] = start;
  frame.writeUInt16LE(body.length, 1);
  body.copy(frame, 3);
  frame.writeUInt16BE(crc16Buypass(frame, 0, body.length + 3), body.length + 3);
  return frame;
}

/** One STX frame: STX | LEN lo | LEN hi | fields | CRC hi | CRC lo. */
export function encodeFrame(message: Message): Buffer {
  return wrap(STX, encodeFields(message));
}

/**
 * A message as SOH packets of at most `maxFieldBytes` field bytes each. Fields are cut
 * anywhere: a field longer than what is left of a packet continues at the start of the next.
 * Packets are numbered 1, 2, ... and the last one 0.
 */
export function encodePackets(message: Message, maxFieldBytes: number, version = 1): Buffer[] {
  if (!Number.isInteger(maxFieldBytes) || maxFieldBytes < 1) throw new RangeError('maxFieldBytes must be a positive integer');
  const fields = encodeFields(message);
  const count = Math.max(1, Math.ceil(fields.length / maxFieldBytes));
  if (count > 255) throw new RangeError(`message needs ${count} packets; at most 255 fit the 1-byte packet number`);
  const packets: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const chunk = fields.subarray(i * maxFieldBytes, (i + 1) * maxFieldBytes);
    const number = i === count - 1 ? 0 : i + 1;
    const header = Buffer.from([HEADER_VERSION, 1, 0, version, HEADER_PACKET_NUMBER, 1, 0, number]);
    const headerLength = Buffer.alloc(2);
    headerLength.writeUInt16LE(header.length, 0);
    packets.push(wrap(SOH, Buffer.concat([headerLength, header, chunk])));
  }
  return packets;
}

export type ParseResult = { ok: true; message: Message } | { ok: false; reason: string };

/** Parses TLV bytes that must exactly fill `bytes`. Never throws. */
export function parseFields(bytes: Buffer): ParseResult {
  const fields = new Map<number, Buffer>();
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + 3 > bytes.length) return { ok: false, reason: `truncated field header at byte ${pos}` };
    const tag = bytes[pos]!;
    const length = bytes.readUInt16LE(pos + 1);
    if (pos + 3 + length > bytes.length) return { ok: false, reason: `field ${tag} declares ${length} bytes, only ${bytes.length - pos - 3} present` };
    if (fields.has(tag)) return { ok: false, reason: `field ${tag} appears twice` };
    fields.set(tag, Buffer.from(bytes.subarray(pos + 3, pos + 3 + length)));
    pos += 3 + length;
  }
  return { ok: true, message: Message.fromFields(fields) };
}

export type ControlName = 'ACK' | 'NAK' | 'EOT' | 'ENQ';
const CONTROL: ReadonlyMap<number, ControlName> = new Map([
  [ACK, 'ACK'],
  [NAK, 'NAK'],
  [EOT, 'EOT'],
  [ENQ, 'ENQ'],
]);
export const CONTROL_BYTE: Readonly<Record<ControlName, number>> = { ACK, NAK, EOT, ENQ };

export interface SohPacket {
  /** 0 = last packet. */
  readonly number: number;
  readonly version: number | undefined;
  /** The field bytes this packet carries (may cut a field). */
  readonly body: Buffer;
}

export type DecodeEvent =
  | { readonly type: 'control'; readonly control: ControlName }
  | { readonly type: 'frame'; readonly message: Message; readonly raw: Buffer }
  | { readonly type: 'packet'; readonly packet: SohPacket; readonly raw: Buffer }
  /** Bytes that were discarded: junk between frames, or a frame with a bad CRC or structure. */
  | { readonly type: 'invalid'; readonly reason: string; readonly bytes: Buffer; readonly badFrame: boolean };

export interface DecoderOptions {
  /** Largest LEN accepted; a larger one marks a false start byte. */
  readonly maxLength?: number;
}

type Candidate = { kind: 'incomplete' } | { kind: 'bad'; reason: string; size: number } | { kind: 'frame'; size: number; event: DecodeEvent };

function parsePacket(body: Buffer): { ok: true; packet: SohPacket } | { ok: false; reason: string } {
  if (body.length < 2) return { ok: false, reason: 'packet shorter than its header length' };
  const headerLength = body.readUInt16LE(0);
  if (2 + headerLength > body.length) return { ok: false, reason: `packet header of ${headerLength} bytes overruns the packet` };
  const header = parseFields(body.subarray(2, 2 + headerLength));
  if (!header.ok) return { ok: false, reason: `packet header: ${header.reason}` };
  const number = header.message.bytes(HEADER_PACKET_NUMBER);
  if (number?.length !== 1) return { ok: false, reason: 'packet header has no 1-byte packet number' };
  const version = header.message.bytes(HEADER_VERSION);
  return {
    ok: true,
    packet: { number: number[0]!, version: version?.length === 1 ? version[0] : undefined, body: Buffer.from(body.subarray(2 + headerLength)) },
  };
}

/**
 * Incremental receiver. Feed it chunks as they arrive; it returns what it found.
 *
 * It never trusts a length it has not confirmed: a stray STX before a real frame would
 * otherwise make it wait for bytes that never come. While the frame at the head is still
 * incomplete it looks for a complete, CRC-valid frame further on and, if one is there,
 * drops the false start. The link layer calls `flushStale()` after an inter-byte silence
 * so that even a lone stray start byte is dropped.
 */
export class FrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);
  readonly #maxLength: number;
  /**
   * Bytes at the head that belong to a frame already rejected (its start byte dropped).
   * A start byte inside is still tried, but control bytes inside are data, not ACK/NAK/EOT,
   * and a failed try there is not another bad frame from the peer.
   */
  #rejected = 0;

  constructor(options: DecoderOptions = {}) {
    this.#maxLength = options.maxLength ?? 0xffff;
  }

  /** Bytes held while a frame is incomplete. */
  get pending(): number {
    return this.#buffer.length;
  }

  push(chunk: Uint8Array): DecodeEvent[] {
    this.#buffer = this.#buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buffer, chunk]);
    return this.#drain();
  }

  /** Gives up on an incomplete frame at the head (the line went quiet): drops its start byte and rescans. */
  flushStale(): DecodeEvent[] {
    if (this.#buffer.length === 0) return [];
    const events: DecodeEvent[] = [];
    const badFrame = this.#rejected === 0;
    events.push({ type: 'invalid', reason: 'incomplete frame, line went quiet', bytes: this.#take(1), badFrame });
    events.push(...this.#drain());
    return events;
  }

  reset(): void {
    this.#buffer = Buffer.alloc(0);
    this.#rejected = 0;
  }

  #take(count: number): Buffer {
    const taken = Buffer.from(this.#buffer.subarray(0, count));
    this.#buffer = this.#buffer.subarray(count);
    this.#rejected = Math.max(0, this.#rejected - count);
    return taken;
  }

  #drain(): DecodeEvent[] {
    const events: DecodeEvent[] = [];
    for (;;) {
      if (this.#buffer.length === 0) return events;
      const first = this.#buffer[0]!;
      if (first !== STX && first !== SOH) {
        const control = this.#rejected === 0 ? CONTROL.get(first) : undefined;
        if (control !== undefined) {
          this.#take(1);
          events.push({ type: 'control', control });
          continue;
        }
        let junk = 1;
        while (junk < this.#buffer.length && !this.#isStart(junk)) junk++;
        events.push({ type: 'invalid', reason: 'bytes outside a frame', bytes: this.#take(junk), badFrame: false });
        continue;
      }
      const head = this.#candidate(0);
      if (head.kind === 'frame') {
        this.#take(head.size);
        events.push(head.event);
        continue;
      }
      if (head.kind === 'bad') {
        // Drop only the start byte: the real frame may begin inside what we tried.
        const inside = this.#rejected > 0;
        events.push({ type: 'invalid', reason: head.reason, bytes: this.#take(1), badFrame: !inside });
        if (!inside) this.#rejected = head.size - 1;
        continue;
      }
      // Incomplete: is there a whole valid frame after a false start?
      const later = this.#findLaterFrame();
      if (later === -1) return events;
      // Junk before a good frame is not a damaged frame: NAKing it would make the peer resend
      // the frame that is about to be ACKed, and the repeat could be taken for a new answer.
      events.push({ type: 'invalid', reason: 'false start byte before a valid frame', bytes: this.#take(later), badFrame: false });
    }
  }

  #isStart(at: number): boolean {
    const byte = this.#buffer[at]!;
    return byte === STX || byte === SOH || (at >= this.#rejected && CONTROL.has(byte));
  }

  #findLaterFrame(): number {
    for (let i = 1; i < this.#buffer.length; i++) {
      const byte = this.#buffer[i]!;
      if (byte !== STX && byte !== SOH) continue;
      if (this.#candidate(i).kind === 'frame') return i;
    }
    return -1;
  }

  #candidate(at: number): Candidate {
    const buf = this.#buffer;
    if (buf.length - at < 3) return { kind: 'incomplete' };
    const length = buf.readUInt16LE(at + 1);
    if (length > this.#maxLength) return { kind: 'bad', reason: `length ${length} exceeds ${this.#maxLength}`, size: 1 };
    const size = length + 5;
    if (buf.length - at < size) return { kind: 'incomplete' };
    const expected = buf.readUInt16BE(at + 3 + length);
    const actual = crc16Buypass(buf, at, at + 3 + length);
    if (expected !== actual) return { kind: 'bad', reason: `CRC mismatch (got ${hex4(expected)}, computed ${hex4(actual)})`, size };
    const raw = Buffer.from(buf.subarray(at, at + size));
    const body = raw.subarray(3, 3 + length);
    if (buf[at] === STX) {
      const parsed = parseFields(body);
      if (!parsed.ok) return { kind: 'bad', reason: parsed.reason, size };
      return { kind: 'frame', size, event: { type: 'frame', message: parsed.message, raw } };
    }
    const packet = parsePacket(body);
    if (!packet.ok) return { kind: 'bad', reason: packet.reason, size };
    return { kind: 'frame', size, event: { type: 'packet', packet: packet.packet, raw } };
  }
}

function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

export type AssemblyResult =
  | { readonly type: 'pending' }
  | { readonly type: 'duplicate' }
  | { readonly type: 'message'; readonly message: Message }
  | { readonly type: 'error'; readonly reason: string };

/**
 * Joins SOH packets into one message. Field bytes are concatenated in order, which is what
 * makes a field cut at a packet boundary continue in the next packet.
 */
export class PacketAssembler {
  #parts: Buffer[] = [];
  #last: number | undefined;
  /** Body of the last packet of the previous multi-packet message, to spot its resend. */
  #finished: Buffer | undefined;

  get inProgress(): boolean {
    return this.#parts.length > 0;
  }

  add(packet: SohPacket): AssemblyResult {
    if (this.#last !== undefined && packet.number === this.#last && packet.number !== 0) {
      // The terminal resent a part because our ACK was lost.
      return { type: 'duplicate' };
    }
    if (this.#parts.length === 0 && packet.number === 0 && this.#finished?.equals(packet.body)) {
      // The last part again, after the message was complete: our ACK of it was lost.
      return { type: 'duplicate' };
    }
    if (this.#parts.length === 0 && packet.number > 1) {
      return { type: 'error', reason: `packet ${packet.number} arrived without the packets before it` };
    }
    if (packet.number !== 0 && this.#last !== undefined && packet.number !== this.#last + 1) {
      const reason = `packet ${packet.number} after packet ${this.#last}`;
      this.reset();
      return { type: 'error', reason };
    }
    this.#parts.push(packet.body);
    if (packet.number !== 0) {
      this.#last = packet.number;
      return { type: 'pending' };
    }
    const multi = this.#parts.length > 1;
    const joined = Buffer.concat(this.#parts);
    this.reset();
    this.#finished = multi ? packet.body : undefined;
    const parsed = parseFields(joined);
    return parsed.ok ? { type: 'message', message: parsed.message } : { type: 'error', reason: `joined packets: ${parsed.reason}` };
  }

  reset(): void {
    this.#parts = [];
    this.#last = undefined;
    this.#finished = undefined;
  }
}
