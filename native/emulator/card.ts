/** The emulator's test card (a card number with a valid Luhn digit, so the till's masking is really tested) and its bank's identity. */
import { Tag } from '../inpas/tags.js';

function emulatorPan(): string {
  const body = '220070012345678';
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** The full number: sent in field 10 only with the `fullPan` quirk. */
export const PAN = emulatorPan();
/** First 6 and last 4 digits, as a well set up terminal reports it. */
export const PAN_MASKED = `${PAN.slice(0, 6)}******${PAN.slice(-4)}`;

/** Fields 104 (host terminal id) and 105 (bank name), sent in the connection test and approvals. */
export const EMULATED_BANK = { [Tag.hostTerminalId]: 'E0322346', [Tag.bankName]: 'ЭМУЛЯТОР БАНКА' } as const;
