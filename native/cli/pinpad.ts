/**
 * The `pinpad` command: runs one operation on the pin pad from the parsed command line, with
 * Ctrl-C handling and a durable till transaction number, and returns the exit code.
 */
import { asPinpadError, PinpadError } from '../inpas/errors.js';
import type { OperationOptions, PinpadDriver } from '../inpas/driver.js';
import { loadProfile, type TerminalProfile } from '../inpas/profile.js';
import { resultFromError, type OperationName, type PinpadResult, type ResultContext } from '../inpas/result.js';
import { openPinpadStack, type PinpadStack } from '../inpas/stack.js';
import { formatTrace } from '../inpas/trace.js';
import type { ByteStream } from '../transport/types.js';
import { ecrSourceFor, type EcrSource } from './ecr-counter.js';
import { DEFAULT_OPERATION_TIMEOUT_S, parseCommandLine, usageText, wantsJson, type Command, type Invocation, type Target } from './pinpad-args.js';
import { describeTarget, eventPrinter, EXIT, exitCodeOf, MONEY, OPERATION_LABEL, printResult, printSetupError, type PinpadOutput } from './pinpad-output.js';
import { probeSummary, runProbe } from './probe.js';

export interface PinpadIo extends PinpadOutput {
  readonly env: NodeJS.ProcessEnv;
  /** Aborting it cancels the running operation as the first Ctrl-C does. When given, no SIGINT handler is installed. */
  readonly signal?: AbortSignal;
  /** Subscribes to Ctrl-C while an operation runs; returns the unsubscribe. Default: process SIGINT (unless `signal` is given). */
  readonly onInterrupt?: (listener: () => void) => () => void;
  /** Opens the byte stream to the pin pad. Default: serial port or TCP. Tests pass an in-memory pair. */
  readonly connect?: (target: Target) => Promise<ByteStream>;
}

function operationOf(command: Command): OperationName {
  switch (command.name) {
    case 'status':
      return command.refund ? 'refund-status' : 'status';
    case 'report':
      return command.full ? 'full-report' : 'report';
    case 'probe':
      return 'test';
    default:
      return command.name;
  }
}

/** Operations that take a fresh till transaction number. */
function needsEcrNumber(command: Command): boolean {
  return command.name === 'sale' || command.name === 'void' || command.name === 'refund' || command.name === 'settle';
}

function contextOf(invocation: Invocation, ecrNumber: number | undefined): ResultContext {
  const { command } = invocation;
  const base = { operation: operationOf(command), terminalId: invocation.terminalId || undefined };
  switch (command.name) {
    case 'sale':
    case 'void':
    case 'refund':
      return { ...base, requestedMethod: command.method, amount: command.amount, ecrNumber };
    case 'status':
      return { ...base, requestedMethod: 'sbp', ecrNumber: command.ecr };
    default:
      return { ...base, ecrNumber };
  }
}

function processInterrupts(listener: () => void): () => void {
  process.on('SIGINT', listener);
  return () => {
    process.off('SIGINT', listener);
  };
}

function runDriver(driver: PinpadDriver, invocation: Invocation, ecr: number | undefined, options: OperationOptions): Promise<PinpadResult> {
  const { command } = invocation;
  // Settlement and reports keep the driver's longer default unless --timeout is given; an
  // explicit undefined would override that default, so the key is left out instead.
  const long: OperationOptions = invocation.timeoutSeconds === undefined ? options : { ...options, operationTimeoutMs: invocation.timeoutSeconds * 1000 };
  switch (command.name) {
    case 'test':
      return driver.test(options);
    case 'sale':
      return driver.sale({ amount: command.amount, ecrNumber: ecr!, method: command.method }, options);
    case 'void':
      return driver.void({ amount: command.amount, ecrNumber: ecr!, rrn: command.rrn, authCode: command.authCode, method: command.method }, options);
    case 'refund':
      return driver.refund({ amount: command.amount, ecrNumber: ecr!, rrn: command.rrn, authCode: command.authCode, method: command.method }, options);
    case 'status':
      return driver.status({ ofEcrNumber: command.ecr, rrn: command.rrn, refund: command.refund }, options);
    case 'settle':
      return driver.settle(ecr!, long);
    case 'report':
      return driver.userCommand(command.full ? 'full-report' : 'report', long);
    case 'slip-copy':
      return driver.userCommand('slip-copy', long);
    case 'probe':
      return driver.test(options);
  }
}

/**
 * Runs the operation with Ctrl-C handling: the first interrupt aborts it through the driver
 * (the terminal gets EOT and the result is what it then says); a second stops waiting and
 * the outcome is unknown.
 */
async function runInterruptible(driver: PinpadDriver, invocation: Invocation, ecr: number | undefined, io: PinpadIo): Promise<PinpadResult> {
  const controller = new AbortController();
  let interrupts = 0;
  let giveUp: () => void = () => undefined;
  const givenUp = new Promise<'given-up'>((resolve) => {
    giveUp = () => resolve('given-up');
  });
  const onInterrupt = (): void => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr('cancelling… (the pin pad is asked to stop; press Ctrl-C again to stop waiting, the outcome is then unknown)\n');
      controller.abort();
    } else if (interrupts === 2) {
      giveUp();
    }
  };
  const unsubscribes: Array<() => void> = [];
  const { signal } = io;
  if (signal !== undefined) {
    if (signal.aborted) onInterrupt();
    else {
      signal.addEventListener('abort', onInterrupt, { once: true });
      unsubscribes.push(() => signal.removeEventListener('abort', onInterrupt));
    }
  }
  const subscribe = io.onInterrupt ?? (signal === undefined ? processInterrupts : undefined);
  if (subscribe !== undefined) unsubscribes.push(subscribe(onInterrupt));

  const ctx = contextOf(invocation, ecr);
  try {
    const operation = runDriver(driver, invocation, ecr, { signal: controller.signal, onEvent: eventPrinter(io, invocation.trace) }).catch((error: unknown) => {
      // The driver throws only for wrong arguments (usage, config) and a busy session, both
      // before sending. Anything else is unexpected: a money request may have gone out.
      const pe = error instanceof PinpadError ? error : asPinpadError(error).withDelivery(MONEY.has(ctx.operation) ? 'maybe' : 'none');
      if (pe.code === 'usage' || pe.code === 'config') throw pe;
      return resultFromError(pe, ctx);
    });
    const outcome = await Promise.race([operation, givenUp]);
    if (outcome !== 'given-up') return outcome;
    const message = `stopped waiting after a second Ctrl-C: the outcome of the ${OPERATION_LABEL[ctx.operation]} is unknown`;
    io.stderr(`${message}\n`);
    return resultFromError(new PinpadError('cancelled', message, { delivery: 'maybe' }), ctx);
  } finally {
    for (const unsubscribe of unsubscribes) unsubscribe();
  }
}

/**
 * The `pinpad` command. Returns the exit code: 0 approved/done, 1 declined, 2 usage or
 * configuration error, 3 failed before the terminal could act, 4 outcome unknown.
 */
export async function runPinpad(argv: string[], io: PinpadIo): Promise<number> {
  const json = wantsJson(argv);
  let invocation: Invocation;
  try {
    const parsed = parseCommandLine(argv, io.env);
    if (parsed.kind === 'help') {
      io.stdout(usageText());
      return EXIT.approved;
    }
    invocation = parsed.invocation;
  } catch (error) {
    return printSetupError(asPinpadError(error, 'usage'), json, io);
  }

  let profile: TerminalProfile;
  try {
    profile = loadProfile(invocation.profilePath);
  } catch (error) {
    return printSetupError(asPinpadError(error, 'config'), json, io);
  }
  let counter: EcrSource | undefined;
  try {
    counter = needsEcrNumber(invocation.command) ? ecrSourceFor({ stateDir: invocation.stateDir, env: io.env }) : undefined;
  } catch (error) {
    return printSetupError(asPinpadError(error, 'config'), invocation.json, io);
  }

  /** Errors before anything was sent: configuration → 2, anything else → failed (3). */
  const beforeSending = (error: unknown, ecr: number | undefined): number => {
    const pe = asPinpadError(error);
    if (pe.code === 'usage' || pe.code === 'config') return printSetupError(pe, invocation.json, io);
    return printResult(resultFromError(pe.delivery === 'none' ? pe : pe.withDelivery('none'), contextOf(invocation, ecr)), invocation.json, io);
  };

  let stack: PinpadStack;
  try {
    stack = await openPinpadStack(invocation.target, {
      profile,
      terminalId: invocation.terminalId,
      currency: invocation.currency,
      operationTimeoutMs: (invocation.timeoutSeconds ?? DEFAULT_OPERATION_TIMEOUT_S) * 1000,
      ...(io.connect ? { open: io.connect } : {}),
      ...(invocation.trace ? { onTrace: (event) => io.stderr(`${formatTrace(event)}\n`) } : {}),
    });
  } catch (error) {
    return beforeSending(error, undefined);
  }
  const { stream, link, driver } = stack;
  if (invocation.trace) io.stderr(`  · connected to ${describeTarget(invocation.target)}\n`);

  try {
    let ecr: number | undefined;
    try {
      // Durable on disk before the request that carries it is built, let alone sent.
      ecr = counter?.next();
    } catch (error) {
      return beforeSending(error, undefined);
    }
    if (invocation.trace && ecr !== undefined) io.stderr(`  · till transaction number ${ecr} (${counter!.file})\n`);
    if (invocation.command.name === 'probe') {
      const report = await runProbe(driver, profile, invocation.profilePath, invocation.terminalId, io, invocation.trace);
      io.stdout(invocation.json ? `${JSON.stringify(report)}\n` : probeSummary(report));
      return exitCodeOf(report.status);
    }
    let result: PinpadResult;
    try {
      result = await runInterruptible(driver, invocation, ecr, io);
    } catch (error) {
      return beforeSending(error, ecr);
    }
    return printResult(result, invocation.json, io);
  } finally {
    // Closing the stream first ends a session still waiting after a second Ctrl-C.
    try {
      await stream.close();
    } catch (error) {
      io.stderr(`pinpad: closing ${stream.description} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    link.dispose();
  }
}
