/** The service PIN: scrypt hashes in the configuration, checked off the event loop. */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../../contract/errors.js';

const SCRYPT = { N: 16_384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
/** Bounds on parameters read from a file, so that a crafted hash cannot stall the process. */
const SCRYPT_LIMITS = { maxN: 1 << 20, maxR: 32, maxP: 16 } as const;

interface PinHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export function parsePinHash(encoded: string): PinHash | undefined {
  const match = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{16,})$/.exec(encoded);
  if (!match) return undefined;
  const N = Number(match[1]);
  const r = Number(match[2]);
  const p = Number(match[3]);
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > SCRYPT_LIMITS.maxN || r < 1 || r > SCRYPT_LIMITS.maxR || p < 1 || p > SCRYPT_LIMITS.maxP) return undefined;
  return { N, r, p, salt: Buffer.from(match[4]!, 'base64url'), hash: Buffer.from(match[5]!, 'base64url') };
}

/** A service PIN is 4 to 12 digits (typed on a touch keypad). */
export const SERVICE_PIN = /^\d{4,12}$/;

/** Hashes a service PIN: scrypt with a random salt, encoded `scrypt$N$r$p$salt$hash` (base64url). */
export function hashPin(pin: string): string {
  if (!SERVICE_PIN.test(pin)) throw new ServiceError('invalid-input', 'a service PIN is 4 to 12 digits');
  const salt = randomBytes(SCRYPT.saltLength);
  const hash = scryptSync(pin, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** True when `pin` matches `encoded` (compared in constant time); false for a wrong PIN or a malformed hash. */
export function verifyPin(pin: string, encoded: string): boolean {
  const parsed = parsePinHash(encoded);
  if (!parsed || parsed.hash.length < 16) return false;
  const candidate = scryptSync(pin, parsed.salt, parsed.hash.length, {
    N: parsed.N,
    r: parsed.r,
    p: parsed.p,
    maxmem: 256 * parsed.N * parsed.r + 1024 * 1024,
  });
  return timingSafeEqual(candidate, parsed.hash);
}

/** As verifyPin, but scrypt runs on the thread pool: a guess never holds the event loop (and a sale) up. */
export async function verifyPinAsync(pin: string, encoded: string): Promise<boolean> {
  const parsed = parsePinHash(encoded);
  if (!parsed || parsed.hash.length < 16) return false;
  const candidate = await new Promise<Buffer>((resolve, reject) =>
    scrypt(pin, parsed.salt, parsed.hash.length, { N: parsed.N, r: parsed.r, p: parsed.p, maxmem: 256 * parsed.N * parsed.r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
  return timingSafeEqual(candidate, parsed.hash);
}
