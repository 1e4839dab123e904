/**
 * `pinpad probe` — the field engineer's install check. It moves no money: a connection test,
 * the non-money operations (reports, slip copy, an SBP status query for a number that does
 * not exist), the profile in use, and a checklist of what this bank setup supports.
 */
import type { PinpadDriver } from '../inpas/driver.js';
import type { TerminalProfile } from '../inpas/profile.js';
import type { PinpadResult, ResultStatus } from '../inpas/result.js';

export interface ProbeCheck {
  readonly name: string;
  /** true = works / supported; false = does not; null = could not tell. */
  readonly ok: boolean | null;
  readonly detail: string;
}

export interface ProbeReport {
  readonly status: ResultStatus;
  readonly operation: 'probe';
  readonly terminalId: string | null;
  readonly model: string | null;
  readonly serialNumber: string | null;
  /** Fields 105 and 104 of the connection test's answer, where the terminal sends them. */
  readonly bankName: string | null;
  readonly hostTerminalId: string | null;
  readonly text: string | null;
  readonly profile: { readonly path: string; readonly name: string };
  readonly checks: readonly ProbeCheck[];
}

/** "Answered" means the terminal gave a final answer (approved or declined), whatever it was. */
function answered(result: PinpadResult): boolean {
  return result.status === 'approved' || result.status === 'declined';
}

function describe(result: PinpadResult): string {
  return `${result.status}${result.text ? `: ${result.text}` : ''}`;
}

export async function runProbe(
  driver: PinpadDriver,
  profile: TerminalProfile,
  profilePath: string,
  givenTerminalId: string,
  io: { stderr: (s: string) => void },
  verbose: boolean,
): Promise<ProbeReport> {
  const checks: ProbeCheck[] = [];
  const step = (name: string): void => {
    if (verbose) io.stderr(`  · probe: ${name}\n`);
  };

  step('connection test (op 26)');
  const test = await driver.test();
  checks.push({ name: 'connection test (op 26)', ok: test.status === 'approved', detail: describe(test) });
  const realId = test.terminalId ?? null;
  if (givenTerminalId && realId && realId !== givenTerminalId) {
    checks.push({ name: 'terminal id', ok: false, detail: `configured ${givenTerminalId}, the terminal says ${realId}: fix the "id" setting` });
  } else if (realId) {
    checks.push({ name: 'terminal id', ok: true, detail: realId });
  }
  if (test.status === 'approved') {
    for (const [kind, label] of [
      ['report', 'short report (63/20)'],
      ['slip-copy', 'slip copy (63/22)'],
      ['full-report', 'full report / journal (63/21)'],
    ] as const) {
      step(label);
      const result = await driver.userCommand(kind);
      checks.push({ name: label, ok: answered(result), detail: describe(result) });
    }
    step('SBP status query');
    const status = await driver.status({ ofEcrNumber: 0, refund: false });
    const understood = answered(status) && status.sbpState !== undefined;
    checks.push({
      name: `SBP status query (op ${profile.sbp.paymentStatus.operation}, assumed)`,
      ok: answered(status) ? understood : null,
      detail: understood
        ? `answered "${status.sbpState}" for a number that does not exist: the profile's SBP codes are understood`
        : answered(status)
          ? `answered without a known state (${describe(status)}): the SBP codes in the profile may not match this terminal`
          : `no answer (${describe(status)})`,
    });
  }
  checks.push({ name: 'same-day void without card (op 4)', ok: true, detail: 'public protocol; works until settlement' });
  checks.push({ name: 'refund with the card on a later day (op 29)', ok: true, detail: 'public protocol' });
  checks.push({
    name: 'partial same-day QR refund',
    ok: profile.bank.partialSameDayQrRefund,
    detail: profile.bank.partialSameDayQrRefund ? 'supported by this bank (profile)' : 'not supported: partial QR refunds are done the next day',
  });
  checks.push({
    name: 'refund of a payment switched to QR with key 1',
    ok: profile.bank.refundSwitchedPayment,
    detail: profile.bank.refundSwitchedPayment ? 'supported by this bank (profile)' : 'not supported: such payments are refunded in cash',
  });
  return {
    status: test.status,
    operation: 'probe',
    terminalId: realId,
    model: test.model ?? null,
    serialNumber: test.serialNumber ?? null,
    bankName: test.bankName ?? null,
    hostTerminalId: test.hostTerminalId ?? null,
    text: test.text ?? null,
    profile: { path: profilePath, name: profile.name },
    checks,
  };
}

export function probeSummary(report: ProbeReport): string {
  const mark = (ok: boolean | null): string => (ok === true ? '[ok]  ' : ok === false ? '[NO]  ' : '[??]  ');
  const lines = [
    `probe: ${report.status === 'approved' ? 'the pin pad answers' : `the pin pad does not answer properly (${report.status})`}`,
    `  terminal id   ${report.terminalId ?? '-'}`,
    `  model         ${report.model ?? '-'}`,
    `  serial no.    ${report.serialNumber ?? '-'}`,
    `  bank          ${report.bankName ?? '- (not sent by the terminal)'}`,
    `  host term. id ${report.hostTerminalId ?? '- (not sent by the terminal)'}`,
    `  profile       ${report.profile.name} (${report.profile.path})`,
    '',
    ...report.checks.map((c) => `  ${mark(c.ok)}${c.name}: ${c.detail}`),
  ];
  return `${lines.join('\n')}\n`;
}
