/**
 * Card data never leaves this module unmasked: at most the first 6 and last 4 digits of a
 * card number are shown, track 2 never. Used by results, traces and logs.
 */

/** Fields that must never be shown as they are: card number (10), expiry (11), track 2 (12), EMV data (55). */
export const SENSITIVE_TAGS: ReadonlySet<number> = new Set([10, 11, 12, 55]);

/** Masks a card number to first 6 / last 4 (fewer when it is short); non-digits are kept as masks. */
export function maskPan(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length === 0) return value.length > 0 ? '*'.repeat(Math.min(value.length, 19)) : '';
  const len = Math.max(digits.length, value.replace(/\s/g, '').length);
  if (len < 11) return '*'.repeat(len);
  const head = value.replace(/\s/g, '').slice(0, 6).replace(/\D/g, '*');
  const tail = value.replace(/\s/g, '').slice(-4).replace(/\D/g, '*');
  return `${head}${'*'.repeat(len - 10)}${tail}`;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Issuer prefixes of the card schemes seen at Russian tills (Mir 2200–2204, Mastercard 2221–2720
 * and 51–55, Visa 4, Amex 34/37, JCB 35, Diners 30/36/38, UnionPay and others 6). A 14-digit
 * timestamp like 20261127221000 is not a card number even when its Luhn sum happens to fit.
 */
const CARD_PREFIX = /^(?:220[0-4]|22[2-9]\d|2[3-6]\d\d|27[01]\d|2720|3[0-8]|4|5[1-5]|6)/;

function looksLikePan(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits);
}

const TRACK2 = /;?\d{12,19}=\d{4}[\d?]*/g;
const DIGIT_RUN = /\d+/g;
/** Digit groups joined by single spaces or dashes, as card numbers are written: "2200 7001 2345 6781", "4111-1111-1111-1111". */
const DIGIT_GROUPS = /\d+(?:[ -]\d+)+/g;
/** Group sizes of written card numbers (4-4-4-4, 4-6-5, 4-4-4-4-3); shorter groups (dates, hex dumps, phone numbers) are not card numbers. */
const MIN_GROUP = 3;
const MAX_GROUP = 6;

/**
 * Masks every card number written in groups: any run of consecutive groups of 3–6 digits whose
 * digits together are 13–19 long, carry a card prefix and are Luhn-valid. The separators stay.
 */
function scrubGroups(sequence: string): string {
  const pieces = sequence.split(/([ -])/);
  const groups = pieces.filter((_, i) => i % 2 === 0);
  let changed = false;
  for (let start = 0; start < groups.length; start++) {
    let digits = '';
    for (let end = start; end < groups.length; end++) {
      const group = groups[end]!;
      if (group.length < MIN_GROUP || group.length > MAX_GROUP || /\D/.test(group)) break;
      digits += group;
      if (digits.length > 19) break;
      if (end === start || !looksLikePan(digits)) continue;
      const masked = maskPan(digits);
      let offset = 0;
      for (let k = start; k <= end; k++) {
        const length = groups[k]!.length;
        groups[k] = masked.slice(offset, offset + length);
        offset += length;
      }
      changed = true;
      start = end;
      break;
    }
  }
  if (!changed) return sequence;
  return pieces.map((piece, i) => (i % 2 === 0 ? groups[i / 2]! : piece)).join('');
}

/** Removes track-2 data and masks every card-number-like digit run (plain or written in groups) in free text. */
export function scrubText(text: string): string {
  return text
    .replace(TRACK2, '[track2 removed]')
    .replace(DIGIT_RUN, (digits) => (looksLikePan(digits) ? maskPan(digits) : digits))
    .replace(DIGIT_GROUPS, scrubGroups);
}

/** True when text holds a full card number (13–19 digits, card prefix, Luhn-valid; plain or in groups) or track 2. */
export function containsCardData(text: string): boolean {
  if (/\d{12,19}=\d{4}/.test(text)) return true;
  for (const match of text.matchAll(DIGIT_RUN)) if (looksLikePan(match[0])) return true;
  for (const match of text.matchAll(DIGIT_GROUPS)) if (scrubGroups(match[0]) !== match[0]) return true;
  return false;
}
