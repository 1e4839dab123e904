/**
 * How strong a bridge token is: an estimate of its randomness in bits, so that a short, repeated
 * or hand-typed secret is refused before the bridge listens with it.
 */
/** Least randomness a bridge token must carry. */
export const MIN_TOKEN_BITS = 128;

/** Bits per character of the smallest usual alphabet that covers the text (hex, digits, letters, base64url, printable). */
function alphabetBits(text: string): number {
  if (/^[0-9]+$/.test(text)) return Math.log2(10);
  if (/^[0-9a-f]+$/.test(text) || /^[0-9A-F]+$/.test(text)) return 4;
  let size = 0;
  if (/[0-9]/.test(text)) size += 10;
  if (/[a-z]/.test(text)) size += 26;
  if (/[A-Z]/.test(text)) size += 26;
  if (/[-_]/.test(text)) size += 2;
  if (/[^0-9A-Za-z_-]/.test(text)) size += 31;
  return Math.log2(Math.max(size, 2));
}

/** Shannon entropy of the character counts, times the length: low for "aaaa…" or "abcabc…". */
function observedBits(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * text.length;
}

/**
 * Estimated bits of randomness: what its length and alphabet allow, unless it uses far fewer
 * different characters than a random string of that length would (a pattern, a word repeated);
 * then only what its character counts show.
 */
export function tokenBits(token: string): number {
  if (token.length === 0) return 0;
  const perChar = alphabetBits(token);
  const alphabet = 2 ** perChar;
  const distinct = new Set(token).size;
  const expected = alphabet * (1 - (1 - 1 / alphabet) ** token.length);
  if (distinct < 0.6 * expected) return Math.min(observedBits(token), token.length * perChar);
  return token.length * perChar;
}

/** Why a token is too weak, in words; undefined when it is strong enough. */
export function weakTokenReason(token: string): string | undefined {
  if (/\s/.test(token)) return 'must not contain spaces';
  // Random strings this long almost never hold a run of 5 equal characters or a 5-character sequence twice.
  if (/(.)\1{4}/su.test(token)) return 'is too weak: it repeats one character (use a random token: openssl rand -base64 32)';
  for (let i = 0; i + 5 <= token.length; i++) {
    if (token.indexOf(token.slice(i, i + 5), i + 1) !== -1) return 'is too weak: it repeats a sequence (use a random token: openssl rand -base64 32)';
  }
  const bits = tokenBits(token);
  if (bits >= MIN_TOKEN_BITS) return undefined;
  return `is too weak: about ${Math.floor(bits)} bits of randomness, at least ${MIN_TOKEN_BITS} needed (e.g. 32 random base64url characters: openssl rand -base64 32)`;
}
