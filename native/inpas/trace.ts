/** The frame trace for field engineers: every frame in hex and decoded, card numbers masked and track 2 hidden. */
import { containsCardData, maskPan, scrubText, SENSITIVE_TAGS } from './card-data.js';
import type { LinkTraceEvent } from './link.js';
import { decodeText, type Message } from './message.js';
import { BINARY_TAGS, Tag } from './tags.js';

const NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(Tag).map(([name, tag]) => [tag, name]));

/** How a field is shown in a trace: card number masked, expiry, track 2 and EMV data hidden. */
export function describeField(tag: number, value: Buffer): string {
  if (tag === Tag.cardNumber) return maskPan(decodeText(value).trim());
  if (SENSITIVE_TAGS.has(tag)) return `[hidden, ${value.length} B]`;
  if (BINARY_TAGS.has(tag)) return `0x${value.toString('hex')}`;
  return JSON.stringify(scrubText(decodeText(value)));
}

export function describeMessage(message: Message): string {
  return message
    .tags()
    .map((tag) => `${tag}${NAMES[tag] ? `(${NAMES[tag]})` : ''}=${describeField(tag, message.bytes(tag)!)}`)
    .join(' ');
}

/** Hex of an STX frame with the value bytes of sensitive fields replaced by "xx". */
export function redactedFrameHex(raw: Buffer): string {
  const out: string[] = [];
  const hex = (b: number): string => b.toString(16).padStart(2, '0');
  for (let i = 0; i < Math.min(3, raw.length); i++) out.push(hex(raw[i]!));
  let pos = 3;
  const end = raw.length - 2;
  while (pos + 3 <= end) {
    const tag = raw[pos]!;
    const length = raw.readUInt16LE(pos + 1);
    out.push(hex(raw[pos]!), hex(raw[pos + 1]!), hex(raw[pos + 2]!));
    const valueEnd = Math.min(pos + 3 + length, end);
    const value = raw.subarray(pos + 3, valueEnd);
    // Hidden: card fields, and any text field that carries something card-like (a slip with a full number).
    const hide = SENSITIVE_TAGS.has(tag) || (!BINARY_TAGS.has(tag) && containsCardData(decodeText(value)));
    for (const byte of value) out.push(hide ? 'xx' : hex(byte));
    pos = valueEnd;
  }
  for (let i = pos; i < raw.length; i++) out.push(pos < end && i < end ? 'xx' : hex(raw[i]!));
  return out.join(' ');
}

/** One trace line (or two) for a link event; never prints card data. */
export function formatTrace(event: LinkTraceEvent): string {
  const dir = event.direction === 'tx' ? 'TX' : 'RX';
  switch (event.kind) {
    case 'control':
      return `${dir} ${event.control}`;
    case 'frame': {
      const attempt = event.direction === 'tx' && event.attempt > 1 ? ` (resend ${event.attempt - 1})` : '';
      return `${dir} frame ${event.raw.length} B${attempt}: ${redactedFrameHex(event.raw)}\n   ${describeMessage(event.message)}`;
    }
    case 'packet': {
      const headerLength = event.raw.length >= 5 ? event.raw.readUInt16LE(3) : 0;
      const head = event.raw
        .subarray(0, Math.min(event.raw.length, 5 + headerLength))
        .toString('hex')
        .replace(/(..)/g, '$1 ')
        .trim();
      return `${dir} packet #${event.number}${event.number === 0 ? ' (last)' : ''} ${event.raw.length} B: ${head} … [${event.raw.length - 7 - headerLength} field bytes]`;
    }
    case 'invalid': {
      const shown = event.bytes.subarray(0, 8).toString('hex').replace(/(..)/g, '$1 ').trim();
      return `${dir} discarded ${event.bytes.length} B (${event.reason}): ${shown}${event.bytes.length > 8 ? ' …' : ''}`;
    }
    case 'note':
      return `${dir} ${event.text}`;
  }
}
