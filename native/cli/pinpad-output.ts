/**
 * `pinpad` output: the human summary and the --json object on stdout, progress and errors on
 * stderr, and the exit code of each result. Every value printed is already masked.
 */
import { scrubText } from '../inpas/card-data.js';
import type { DriverEvent } from '../inpas/driver.js';
import type { PinpadError } from '../inpas/errors.js';
import { formatMoney } from '../inpas/money.js';
import { doneCondition, type OperationName, type PinpadResult, type ResultStatus } from '../inpas/result.js';
import type { Target } from './pinpad-args.js';

/** Where the command writes. */
export interface PinpadOutput {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

export const EXIT = { approved: 0, declined: 1, usage: 2, failed: 3, unknown: 4 } as const;

export function exitCodeOf(status: ResultStatus): number {
  return EXIT[status];
}

export function describeTarget(target: Target): string {
  return target.kind === 'serial' ? `${target.path} at ${target.baudRate} baud` : `tcp ${target.host}:${target.port}`;
}

/** The one JSON object of --json: every documented key, null when absent. */
export function resultJson(result: PinpadResult): Record<string, unknown> {
  return {
    status: result.status,
    operation: result.operation,
    amount: result.amount ?? null,
    method: result.method ?? null,
    rrn: result.rrn ?? null,
    authCode: result.authCode ?? null,
    responseCode: result.responseCode ?? null,
    text: result.text ?? null,
    cardMasked: result.cardMasked ?? null,
    ecrNumber: result.ecrNumber ?? null,
    terminalId: result.terminalId ?? null,
    slip: result.slip ? { customer: result.slip.customer ?? null, cashier: result.slip.cashier ?? null, cardType: result.slip.cardType ?? null } : null,
    switchedToSbp: result.switchedToSbp,
    sbpState: result.sbpState ?? null,
    model: result.model ?? null,
    serialNumber: result.serialNumber ?? null,
    transactionStatus: result.transactionStatus ?? null,
    error: result.error ?? null,
  };
}

export const OPERATION_LABEL: Readonly<Record<OperationName, string>> = {
  test: 'connection test',
  sale: 'sale',
  void: 'void',
  refund: 'refund',
  'emergency-cancel': 'emergency cancel',
  status: 'status of the SBP payment',
  'refund-status': 'status of the SBP refund',
  settle: 'settlement',
  report: 'report',
  'full-report': 'full report',
  'slip-copy': 'slip copy',
};

/** Operations that move money. */
export const MONEY: ReadonlySet<OperationName> = new Set(['sale', 'void', 'refund']);

function statusWords(result: PinpadResult): string {
  switch (result.status) {
    case 'approved':
      return MONEY.has(result.operation) ? 'APPROVED' : 'DONE';
    case 'declined':
      return MONEY.has(result.operation) ? 'DECLINED' : 'NOT DONE (the terminal refused)';
    case 'failed':
      return 'FAILED: the pin pad did not act';
    case 'unknown':
      return 'OUTCOME UNKNOWN: the pin pad may have acted';
  }
}

/** The human summary on stdout. Every value in a result is already masked. */
export function humanSummary(result: PinpadResult): string {
  const lines = [`${OPERATION_LABEL[result.operation]}: ${statusWords(result)}`];
  const row = (label: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') lines.push(`  ${label.padEnd(12)}${value}`);
  };
  row('amount', result.amount === undefined ? undefined : formatMoney(result.amount));
  if (result.method !== undefined)
    row('method', result.method === 'sbp' ? `SBP QR${result.switchedToSbp ? ' (customer switched from card with key 1)' : ''}` : 'card');
  row('SBP state', result.sbpState);
  row('RRN', result.rrn);
  row('auth code', result.authCode);
  row('card', result.cardMasked);
  row('response', result.responseCode);
  row('text', result.text);
  if (result.status === 'approved') row('condition', doneCondition(result.transactionStatus));
  row('till no.', result.ecrNumber);
  row('terminal', result.terminalId);
  row('model', result.model);
  row('serial no.', result.serialNumber);
  if (result.error !== undefined) row('error', result.error.code);
  if (result.status === 'unknown') {
    lines.push(
      MONEY.has(result.operation)
        ? `  Do not repeat the ${result.operation}. Find out first: "pinpad slip-copy", "pinpad report --full"` +
            `${result.method === 'sbp' && result.ecrNumber !== undefined ? `, "pinpad status --ecr ${result.ecrNumber}"` : ''}` +
            `${result.operation === 'sale' && result.method !== 'sbp' ? '; a same-day card sale can be cancelled with "pinpad void"' : ''}.`
        : '  Check the terminal before repeating: "pinpad report".',
    );
  }
  const slip = result.slip?.customer;
  if (slip !== undefined) {
    const isReport = result.operation === 'report' || result.operation === 'full-report';
    lines.push('', isReport ? '--- report ---' : '--- customer slip ---', slip, '---');
  }
  return `${lines.join('\n')}\n`;
}

function clock(ms: number): string {
  const date = new Date(ms);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Progress on stderr: screen texts always; with --trace every driver event, prefixed "  · ". */
export function eventPrinter(io: PinpadOutput, trace: boolean): (event: DriverEvent) => void {
  let lastScreen: string | undefined;
  const line = (text: string): void => io.stderr(trace ? `  · ${text}\n` : `${text}\n`);
  return (event) => {
    switch (event.type) {
      case 'sent':
        if (trace) line('request taken, waiting for the terminal');
        break;
      case 'wait':
        if (trace) line('WAIT: the terminal is working');
        break;
      case 'screen': {
        const text = scrubText(event.text);
        // The same text comes with every WAIT; a person needs it once.
        if (trace || text !== lastScreen) line(`pin pad: ${text}`);
        lastScreen = text;
        break;
      }
      case 'cashier-request':
        line(`pin pad asks the cashier: ${scrubText(event.text)} (answered "not supported")`);
        break;
      case 'command':
        if (trace) line(`command-mode request 65=${event.command ?? '?'} answered ${event.result === 0 ? 'done' : 'not supported'}`);
        break;
      case 'abort-sent':
        line('EOT sent: the pin pad was asked to stop');
        break;
      case 'qr':
        line(`QR code on the pin pad${event.payload === undefined ? '' : `: ${scrubText(event.payload)}`} (valid until ${clock(event.expiresAt)})`);
        break;
      case 'method-switched':
        line('the customer switched to SBP QR (key 1)');
        break;
    }
  };
}

export function printSetupError(error: PinpadError, json: boolean, io: PinpadOutput): number {
  io.stderr(`pinpad: ${error.message}\n${error.code === 'usage' ? 'Run "pinpad --help" for usage.\n' : ''}`);
  if (json) io.stdout(`${JSON.stringify({ status: 'error', error: { code: error.code, message: error.message } })}\n`);
  return EXIT.usage;
}

export function printResult(result: PinpadResult, json: boolean, io: PinpadOutput): number {
  io.stdout(json ? `${JSON.stringify(resultJson(result))}\n` : humanSummary(result));
  return exitCodeOf(result.status);
}
