/**
 * The service as one unit: configuration, logs, journal, pin-pad connection (or the built-in
 * emulator), payment service and recovery. Electron's main process and browser mode both
 * start it the same way; it never imports electron.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatTrace } from '../../native/inpas/trace.js';
import { EmulatorHost } from '../../native/emulator/host.js';
import { DEMO_TIMING, NO_FAULTS, parseEmulatorArgs, resolveQuirks } from '../../native/emulator/options.js';
import type { AppLifecycle, PinpadHealth, PublicConfig } from '../contract/types.js';
import { loadConfig, loadPinpadProfile, parseConfigText, resolveLogsDir, resolvePinpadTarget, type AppConfig } from './config/config.js';
import { ConnectionLog, describeTarget, PinpadConnection, type PinpadTarget } from './pinpad/connection.js';
import { prepareFolder, prepareJournalFile, PRIVATE_DIR_MODE } from './config/data-dir.js';
import { waitDrained, type DrainOutcome } from './lifecycle/drain.js';
import type { HandlerDeps } from './handlers.js';
import { Journal } from './journal/journal.js';
import { startFleetMetrics, type FleetMetrics } from './observability/fleet-metrics.js';
import { PinGuard } from './access/pin-guard.js';
import { writeReconciliationExport } from './closing/reconciliation-export.js';
import { createLogger, createTraceWriter, type ServiceLogger, type TraceWriter } from './observability/logger.js';
import { PaymentService } from './payments/payment-service.js';
import type { CrashHooks } from './crash-points.js';
import { copyToRemovable } from './observability/removable-media.js';
import { writeSupportBundle } from './observability/support-bundle.js';

export interface ServiceAppOptions {
  /** Where removable drives are mounted (default /media and /run/media); tests give a temporary tree. */
  readonly mediaRoots?: readonly string[];
  /** The configuration file; absent = defaults (the built-in emulator). */
  readonly configPath?: string;
  /** Journal, logs, emulator device and support bundles live here. */
  readonly dataDir: string;
  /** Extra `pinpad-emulator` options for the built-in emulator (e.g. ["--fast"]). */
  readonly emulatorArgs?: readonly string[];
  /** What `app.quit` does. */
  readonly quit?: () => void;
  /** Seconds the pin pad may stay silent before an answer is given up (default 45). */
  readonly responseTimeoutSeconds?: number;
  /** How often background recovery asks again about unresolved parts, ms (default RECOVERY_RETRY_MS). */
  readonly recoveryRetryMs?: number;
  /** How often a late-payment watch asks about its QR, ms (default 5 s). */
  readonly sbpPollMs?: number;
  /** Send a connection test after start (default true; it moves no money). */
  readonly connectionTestAtStart?: boolean;
  /** A drain waits at most the pin pad's operation timeout plus this, ms (default DRAIN_MARGIN_MS). */
  readonly drainMarginMs?: number;
  /** The service's one clock (default the system's): journal, connection, payments, PIN guard, lifecycle. */
  readonly now?: () => Date;
  /** Where a crash-matrix or chaos child kills itself (default: nowhere; a real start never arms them). */
  readonly crash?: CrashHooks;
}

/** What a drain waits beyond the pin pad's operation timeout: its last answer, the journal, the screens. */
export const DRAIN_MARGIN_MS = 30_000;

/** How often a payment the recovery at start could not resolve is asked about again, ms. */
export const RECOVERY_RETRY_MS = 2000;
/** The connection test at start gives up after this long, ms. */
export const START_TEST_MS = 1500;

export interface ServiceApp extends HandlerDeps {
  readonly config: AppConfig;
  readonly connection: PinpadConnection;
  readonly logger: ServiceLogger;
  readonly emulator: EmulatorHost | undefined;
  readonly dataDir: string;
  /** The Prometheus endpoint, when `[metrics] listen` is set. */
  readonly metrics: FleetMetrics | undefined;
  onHealth(listener: (health: PinpadHealth) => void): () => void;
  onLifecycle(listener: (lifecycle: AppLifecycle) => void): () => void;
  /** The longest a drain waits, ms: the pin pad's operation timeout plus a margin. */
  readonly drainLimitMs: number;
  /**
   * The first half of a stop: from now on a new payment, refund or receipt cancellation gets
   * `stopping` (and the `lifecycle` event says so); resolves once every operation at the pin pad
   * has its final answer journaled, or after `drainLimitMs`. The bindings stay up meanwhile, so
   * the screens and a POS core learn the outcomes. Idempotent: a second call returns the same drain.
   */
  drain(reason: string): Promise<DrainOutcome>;
  /** Throws when the journal does not answer a cheap read (the supervisor's watchdog asks). */
  probeJournal(): void;
  /** Closes everything at once (after a drain; alone, it abandons what is at the pin pad to recovery). */
  stop(): Promise<void>;
}

function hasSocat(): boolean {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function startServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  mkdirSync(options.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const now = options.now ?? (() => new Date());
  const nowMs = (): number => now().getTime();
  const config = options.configPath ? loadConfig(options.configPath) : parseConfigText('', '(defaults)');
  const profile = loadPinpadProfile(config, options.configPath ?? '(defaults)');
  const logsDir = resolveLogsDir(config, options.dataDir);
  prepareFolder(options.dataDir, options.configPath ?? '(defaults)', 'data folder');
  prepareFolder(logsDir, options.configPath ?? '(defaults)', 'logs.dir');
  const logger = createLogger({ dir: logsDir, maxSizeMB: config.logs.maxSizeMB, retentionDays: config.logs.retentionDays, now });
  const trace: TraceWriter | undefined = config.logs.trace
    ? createTraceWriter({ dir: logsDir, maxSizeMB: config.logs.maxSizeMB, retentionDays: config.logs.retentionDays, now })
    : undefined;
  prepareJournalFile(join(options.dataDir, 'journal.sqlite'));
  const journal = new Journal(join(options.dataDir, 'journal.sqlite'), { now });
  const pinGuard = new PinGuard(journal.db, config.service.pinHash, {
    now,
    onRefused: (event) => logger.warn({ ...event }, event.whileLocked ? 'service PIN refused: locked after wrong PINs' : 'wrong service PIN'),
  });

  const resolved = resolvePinpadTarget(config);
  let emulator: EmulatorHost | undefined;
  let target: PinpadTarget;
  if (resolved.emulator) {
    // No pin pad configured: the built-in emulator stands in, on a pseudo-terminal like a real one.
    const useTcp = !hasSocat();
    const link = join(options.dataDir, 'ttyEMULATOR');
    const parsed = parseEmulatorArgs([
      ...(useTcp ? ['--tcp', '0'] : ['--pty', link]),
      '--ledger',
      join(options.dataDir, 'emulator-ledger.json'),
      ...(options.emulatorArgs ?? []),
    ]);
    if (parsed === 'help') throw new Error('emulator options: --help is not an option here');
    emulator = await EmulatorHost.start({
      ...(parsed.pty !== undefined ? { pty: parsed.pty } : {}),
      ...(parsed.tcpPort !== undefined ? { tcpPort: parsed.tcpPort } : {}),
      terminalId: config.pinpad.id || parsed.terminalId,
      profile,
      scenario: parsed.scenario,
      ...(parsed.ledgerPath ? { ledgerPath: parsed.ledgerPath } : {}),
      timing: options.emulatorArgs?.length ? parsed.timing : DEMO_TIMING,
      quirks: resolveQuirks(parsed.quirks, profile),
      faults: options.emulatorArgs?.length ? parsed.faults : NO_FAULTS,
      packetSize: parsed.packetSize,
      ...(parsed.replugAfterMs !== undefined ? { replugAfterMs: parsed.replugAfterMs } : {}),
      log: (line) => logger.debug({ emulator: true }, line),
    });
    const [host, port] = useTcp ? emulator.address.split(':') : [];
    target = useTcp ? { kind: 'tcp', host: host!, port: Number(port) } : { kind: 'serial', path: emulator.address, baudRate: 115200 };
    logger.warn({ target: describeTarget(target) }, 'no pin pad configured: the built-in emulator stands in (no real payments)');
  } else {
    target = resolved.target;
  }

  // With no [pinpad] section the emulator shows every flow, QR included.
  const qrSbp = config.pinpad.section === undefined ? true : config.pinpad.qrSBP;
  const healthListeners = new Set<(health: PinpadHealth) => void>();
  // One line per change of the connection, and a periodic summary while it stays away (not one per retry).
  const connectionLog = new ConnectionLog({ write: (level, fields, message) => logger[level](fields, message), now: nowMs });
  const connection = new PinpadConnection({
    target,
    profile,
    terminalId: config.pinpad.id,
    currency: String(config.pinpad.currencyCodeNumeric).padStart(3, '0'),
    operationTimeoutMs: config.pinpad.timeout * 1000,
    responseTimeoutMs: (options.responseTimeoutSeconds ?? 45) * 1000,
    emulator: emulator !== undefined,
    now,
    ...(options.crash ? { crash: options.crash } : {}),
    onHealth: (health) => {
      connectionLog.note(health);
      for (const listener of healthListeners) listener(health);
    },
    ...(trace ? { onTrace: (event) => trace.write(formatTrace(event)) } : {}),
  });
  await connection.start();

  const operationTimeoutMs = config.pinpad.timeout * 1000;
  const service = new PaymentService({
    journal,
    pinpad: connection,
    profile,
    mode: config.mode,
    qrSbp: qrSbp,
    reverseLatePayments: config.sbp.reverseLatePayments,
    operationTimeoutMs,
    // One recovery query never holds the pin pad longer than the operation timeout (nor 30 s).
    recoveryCallMs: Math.min(operationTimeoutMs, 30_000),
    recoveryRetryMs: options.recoveryRetryMs ?? RECOVERY_RETRY_MS,
    ...(options.sbpPollMs !== undefined ? { sbpPollMs: options.sbpPollMs } : {}),
    now,
    ...(options.crash ? { crash: options.crash } : {}),
  });
  service.on('payment', (event) => {
    if (event.phase === 'done' || event.phase === 'intent' || event.phase === 'method-switched' || event.phase === 'cancel-requested') {
      logger.info(
        {
          paymentId: event.paymentId,
          receiptId: event.receiptId,
          phase: event.phase,
          state: event.part?.state,
          amount: event.part?.amount,
          method: event.part?.method,
        },
        'payment',
      );
    }
  });
  service.on('late-payment', (event) => logger.warn({ ...event }, 'a QR payment arrived after its QR expired or was cancelled'));
  healthListeners.add((health) => {
    if (health.state === 'connected') service.pinpadConnected();
  });

  // Start never waits for the pin pad: whatever a crash left in flight is recovered in the
  // background (asked again until resolved; its receipts show "checking" meanwhile), and every
  // late-payment watch the journal holds resumes.
  let stopped = false;
  const unresolved = service.listUnresolved();
  if (unresolved.length > 0) logger.warn({ count: unresolved.length }, 'unresolved payments found at start: recovering in the background');
  service.startBackground();

  // A connection test fills in the terminal id and model of the pin-pad status (and tells at once
  // when the configured id is wrong). It moves no money and runs only when nothing is being
  // recovered; it is bounded tightly, so that a silent pin pad holds the start for a moment only,
  // and it is over before the screens can ask for a payment.
  if (options.connectionTestAtStart !== false && connection.health.state === 'connected' && !service.busyWith && unresolved.length === 0) {
    await service.testConnection({ operationTimeoutMs: START_TEST_MS }).then(
      (result) => logger.info({ status: result.status, terminalId: result.terminalId, model: result.model, text: result.text }, 'connection test at start'),
      (error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'connection test at start failed'),
    );
  }

  // Started after recovery at start, so that its first reading of the journal includes it.
  const metrics = await startFleetMetrics({
    config,
    journal,
    service,
    connection,
    profileName: profile.name,
    onHealth: (listener) => {
      healthListeners.add(listener);
      return () => healthListeners.delete(listener);
    },
    log: (line, data) => logger.warn({ ...data }, line),
  });

  const lifecycleListeners = new Set<(lifecycle: AppLifecycle) => void>();
  let lifecycle: AppLifecycle = { state: 'running', reason: undefined, since: now().toISOString() };
  const drainLimitMs = operationTimeoutMs + (options.drainMarginMs ?? DRAIN_MARGIN_MS);
  let draining: Promise<DrainOutcome> | undefined;
  const drain = (reason: string): Promise<DrainOutcome> => {
    if (draining) return draining;
    service.operations.beginStopping(reason);
    lifecycle = { state: 'stopping', reason, since: now().toISOString() };
    logger.warn({ reason, atPinpad: service.operations.count, limitMs: drainLimitMs }, 'stopping: no new payments; finishing what is at the pin pad');
    for (const listener of lifecycleListeners) listener(lifecycle);
    draining = waitDrained(service.operations, drainLimitMs, {
      now: nowMs,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    }).then((outcome) => {
      if (outcome.drained) logger.info({ ms: outcome.ms }, 'drained: every operation at the pin pad has its answer');
      else
        logger.error(
          { ms: outcome.ms, abandoned: outcome.abandoned },
          'drain limit reached: what is still at the pin pad is left to recovery at the next start',
        );
      return outcome;
    });
    return draining;
  };

  const publicConfig = (): PublicConfig => ({
    mode: config.mode,
    locale: config.locale,
    qrSbp: qrSbp,
    emulator: emulator !== undefined,
    pinpadTarget: describeTarget(target),
    terminalId: connection.health.terminalId ?? config.pinpad.id,
    currencyCodeNumeric: config.pinpad.currencyCodeNumeric,
    timeoutSeconds: config.pinpad.timeout,
    servicePinSet: config.service.pinHash !== undefined,
    bank: { ...profile.bank },
    profileName: profile.name,
  });

  return {
    config,
    connection,
    logger,
    emulator,
    dataDir: options.dataDir,
    metrics,
    service,
    journal,
    health: () => connection.health,
    lifecycle: () => lifecycle,
    publicConfig,
    checkPin: (pin, caller, purpose) => pinGuard.check(pin, caller, purpose),
    writeSupportBundle: async () => {
      const path = await writeSupportBundle({ outDir: join(options.dataDir, 'support'), logsDir, journal, config, health: connection.health, now });
      const [copy] = copyToRemovable([path], options.mediaRoots) ?? [];
      return { path, ...(copy ? { removable: copy } : {}) };
    },
    exportReconciliation: async (day) => {
      const done = await writeReconciliationExport({ outDir: join(options.dataDir, 'exports'), journal, now, ...(day ? { day } : {}) });
      const copies = copyToRemovable([done.csvPath, done.jsonPath], options.mediaRoots);
      return copies ? { ...done, removable: copies } : done;
    },
    quit: options.quit ?? (() => undefined),
    onHealth(listener) {
      healthListeners.add(listener);
      return () => healthListeners.delete(listener);
    },
    onLifecycle(listener) {
      lifecycleListeners.add(listener);
      return () => lifecycleListeners.delete(listener);
    },
    drainLimitMs,
    drain,
    probeJournal: () => journal.ping(),
    async stop() {
      if (stopped) return;
      stopped = true;
      const background = service.stop();
      await metrics?.stop();
      await connection.stop();
      // A recovery or a late-payment check ends at once when the connection closes; let it finish before the journal closes.
      await background;
      await emulator?.stop();
      journal.close();
      trace?.close();
      logger.flush();
    },
  };
}
