/**
 * Every event code the journal's audit trail writes. The journal takes only these (the type
 * checker refuses a new code until it is added here), and the screens name each one in
 * Russian and English (renderer/src/audit-text.ts; a test walks this list).
 */

/** What a settled terminal answer was for: a sale, a refund by how it was made, or one recovery found. */
export const ANSWER_SOURCES = ['sale', 'void', 'refund', 'cash', 'recovered'] as const;
export type AnswerSource = (typeof ANSWER_SOURCES)[number];

export const ANSWER_ENDINGS = ['approved', 'approved-partially', 'declined', 'failed', 'unknown'] as const;
export type AnswerEnding = (typeof ANSWER_ENDINGS)[number];

export const AUDIT_EVENTS = [
  'receipt-opened',
  'receipt-open',
  'receipt-paid',
  'receipt-cancelled',
  'payment-intent',
  'refund-intent',
  'sending',
  'state',
  'journal-write-failed',
  'qr-shown',
  'switched-to-sbp',
  'cancel-requested',
  'cash-taken',
  'cash-refund',
  'fully-refunded',
  'resolved-by-cashier',
  'late-watch-opened',
  'late-watch-reversing',
  'late-watch-paid',
  'late-watch-not-paid',
  'late-watch-decided',
  'late-payment',
  'late-answer',
  'recovered-not-sent',
  'recovery-started',
  'recovery-waiting',
  'recovery-status',
  'recovery-pending',
  'recovery-deadline',
  'receipt-printed',
  'recovered-reversed',
  'settlement',
  'service-pin-wrong',
  'service-pin-locked',
  ...ANSWER_SOURCES.flatMap((source) => ANSWER_ENDINGS.map((ending) => `${source}-${ending}` as const)),
] as const;

export type AuditEvent = (typeof AUDIT_EVENTS)[number];
