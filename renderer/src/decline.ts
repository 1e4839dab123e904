/**
 * Why a payment did not go through, as a short category a customer may read aloud at a queue:
 * the bank said no (never which reason: that stays small, for staff), the pin pad itself stopped
 * waiting for the card, a QR code's time ran out unpaid, the operation was broken off on the pin
 * pad, or it was not done at all.
 */
import type { Part } from '../../electron/contract/types.js';

export type DeclineReason = 'bank' | 'card-timeout' | 'qr-expired' | 'aborted' | 'not-done';

/** The pin pad's own wording of a card wait that ran out (Inpas terminals, a few firmware spellings). */
const CARD_TIMEOUT = /ОЖИДАНИЯ КАРТЫ|КАРТА НЕ (ПРЕДЪЯВЛЕНА|ПРИЛОЖЕНА)|ТАЙМ-?АУТ|CARD (WAIT )?TIME-?OUT/i;
/** A QR code's lifetime that ran out, as the terminal words it. */
const QR_EXPIRED = /ИСТЕК|ИСТЁК|EXPIRED/i;
const ABORTED = /ПРЕРВАН|ОТМЕН[АЕ]Н|ABORT/i;

type DeclinedPart = Pick<Part, 'state' | 'text' | 'responseCode'> & Partial<Pick<Part, 'method' | 'qr' | 'updatedAt'>>;

/** Whether an SBP part ended after its QR code's lifetime: the QR expired unpaid, whatever the terminal's words. */
function qrRanOut(part: DeclinedPart): boolean {
  if (part.method !== 'sbp' || !part.qr || part.updatedAt === undefined) return false;
  const ended = Date.parse(part.updatedAt);
  return Number.isFinite(ended) && ended >= part.qr.expiresAt;
}

/** The category of a part that ended DECLINED or FAILED. */
export function declineReason(part: DeclinedPart): DeclineReason {
  const text = part.text ?? '';
  if (CARD_TIMEOUT.test(text)) return 'card-timeout';
  // A host response code other than "00" is the bank's answer.
  const code = part.responseCode?.trim();
  if (part.state === 'DECLINED' && code && code !== '00') return 'bank';
  if (part.method === 'sbp' && (QR_EXPIRED.test(text) || qrRanOut(part))) return 'qr-expired';
  if (ABORTED.test(text)) return 'aborted';
  return part.state === 'DECLINED' && /ОТКАЗ|DECLIN/i.test(text) ? 'bank' : 'not-done';
}
