/** A protocol message: tagged fields as bytes, CP1251 text and decimal numbers, read and built safely. */
import iconv from 'iconv-lite';
import { BINARY_TAGS } from './tags.js';

/** A value given when building a message: text (sent as CP1251), a whole number (sent as decimal text) or raw bytes. */
export type FieldValue = string | number | Uint8Array;
export type FieldInput = Readonly<Record<number, FieldValue | undefined>>;

export const MAX_TAG = 255;
export const MAX_FIELD_LENGTH = 0xffff;

export function encodeText(text: string): Buffer {
  return iconv.encode(text, 'win1251');
}

/** CP1251 never fails to decode: every byte maps to a character, so a bad byte cannot crash the decoder. */
export function decodeText(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'win1251');
}

function valueBytes(tag: number, value: FieldValue): Buffer {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`field ${tag}: ${value} is not a whole non-negative number`);
    }
    return Buffer.from(String(value), 'ascii');
  }
  if (typeof value === 'string') return encodeText(value);
  return Buffer.from(value);
}

/**
 * An immutable protocol message: fields by tag. Field order carries no meaning on the wire,
 * so fields are kept sorted by tag, which also makes encoding deterministic.
 */
export class Message {
  readonly #fields: ReadonlyMap<number, Buffer>;

  private constructor(fields: Map<number, Buffer>) {
    this.#fields = new Map([...fields.entries()].sort((a, b) => a[0] - b[0]));
  }

  static fromFields(fields: Map<number, Buffer>): Message {
    return new Message(new Map(fields));
  }

  /** Builds a message; undefined and empty values are left out (empty fields are not sent). */
  static of(input: FieldInput): Message {
    const map = new Map<number, Buffer>();
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined) continue;
      const tag = Number(key);
      if (!Number.isInteger(tag) || tag < 0 || tag > MAX_TAG) throw new RangeError(`field tag ${key} is outside 0..255`);
      const bytes = valueBytes(tag, value);
      if (bytes.length === 0) continue;
      if (bytes.length > MAX_FIELD_LENGTH) throw new RangeError(`field ${tag} is longer than ${MAX_FIELD_LENGTH} bytes`);
      map.set(tag, bytes);
    }
    return new Message(map);
  }

  /** A copy with some fields replaced (undefined removes a field). */
  with(input: FieldInput): Message {
    const map = new Map(this.#fields);
    const added = Message.of(input);
    for (const [key, value] of Object.entries(input)) if (value === undefined) map.delete(Number(key));
    for (const [tag, bytes] of added.entries()) map.set(tag, bytes);
    return new Message(map);
  }

  has(tag: number): boolean {
    return this.#fields.has(tag);
  }

  bytes(tag: number): Buffer | undefined {
    return this.#fields.get(tag);
  }

  text(tag: number): string | undefined {
    const bytes = this.#fields.get(tag);
    return bytes === undefined ? undefined : decodeText(bytes);
  }

  /** A decimal field as a number; undefined when absent or not a plain decimal. */
  int(tag: number): number | undefined {
    const text = this.text(tag)?.trim();
    if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
    return Number(text);
  }

  tags(): number[] {
    return [...this.#fields.keys()];
  }

  entries(): IterableIterator<[number, Buffer]> {
    return this.#fields.entries();
  }

  get size(): number {
    return this.#fields.size;
  }

  /** Every field decoded for display: text fields as text, binary fields as hex. Not masked: see trace.ts. */
  toRecord(): Record<number, string> {
    const out: Record<number, string> = {};
    for (const [tag, bytes] of this.#fields) out[tag] = BINARY_TAGS.has(tag) ? bytes.toString('hex') : decodeText(bytes);
    return out;
  }
}
