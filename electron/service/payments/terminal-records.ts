/**
 * How a part's request and the terminal's answer are written to the journal and read back: the
 * request as text fields (requests carry no card data), the answer as the part's outcome.
 */
import { Message } from '../../../native/inpas/message.js';
import type { TerminalProfile } from '../../../native/inpas/profile.js';
import type { PinpadResult, ResultContext } from '../../../native/inpas/result.js';
import type { PartOutcome } from '../journal/journal.js';
import type { Part } from '../journal/part-lifecycle.js';

export function outcomeOf(result: PinpadResult): PartOutcome {
  return {
    rrn: result.rrn,
    authCode: result.authCode,
    responseCode: result.responseCode,
    text: result.text,
    cardMasked: result.cardMasked,
    terminalId: result.terminalId,
    switchedToSbp: result.switchedToSbp,
    slip: result.slip
      ? { ...(result.slip.customer ? { customer: result.slip.customer } : {}), ...(result.slip.cashier ? { cashier: result.slip.cashier } : {}) }
      : undefined,
    raw: result.raw,
  };
}

/** The request a part sends, as stored in the journal (text fields only: requests carry no card data). */
export function requestRecord(message: Message): Record<string, string> {
  return message.toRecord();
}

export function messageFromRecord(record: Record<string, string>): Message {
  const input: Record<number, string> = {};
  for (const [tag, value] of Object.entries(record)) input[Number(tag)] = value;
  return Message.of(input);
}

/** The result context of a part's own request (what a live answer to it is read with). */
export function partContext(profile: TerminalProfile, part: Part, request: Message): ResultContext {
  const op = request.int(25);
  const operation = part.kind === 'payment' ? 'sale' : op === profile.operations.void ? 'void' : 'refund';
  return {
    operation,
    requestedMethod: part.method === 'sbp' ? 'sbp' : 'card',
    amount: part.amount,
    ...(part.ecrNumber !== undefined ? { ecrNumber: part.ecrNumber } : {}),
  };
}
