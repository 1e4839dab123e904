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
import type { PinpadHealth, PublicConfig } from '../contract/types.js';
import { loadConfig, loadPinpadProfile, parseConfigText, resolveLogsDir, resolvePinpadTarget, type AppConfig } from './config.js';
import { describeTarget, PinpadConnection, type PinpadTarget } from './connection.js';
import { prepareFolder, prepareJournalFile, PRIVATE_DIR_MODE } from './data-dir.js';
import type { HandlerDeps } from './handlers.js';
import { Journal } from './journal.js';
import { startFleetMetrics, type FleetMetrics } from './fleet-metrics.js';
import { PinGuard } from './pin-guard.js';
import { writeReconciliationExport } from './reconciliation-export.js';
import { createLogger, createTraceWriter, type ServiceLogger, type TraceWriter } from './logger.js';
import { UNRESOLVED_STATES } from './model.js';
import { PaymentService } from './payment-service.js';
import { writeSupportBundle } from './support-bundle.js';

export interface ServiceAppOptions {
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
}

/** How often a payment the recovery at start could not resolve is asked about again, ms. */
export const RECOVERY_RETRY_MS = 5000;

export interface ServiceApp extends HandlerDeps {
  readonly config: AppConfig;
  readonly connection: PinpadConnection;
  readonly logger: ServiceLogger;
  readonly emulator: EmulatorHost | undefined;
  readonly dataDir: string;
  /** The Prometheus endpoint, when `[metrics] listen` is set. */
  readonly metrics: FleetMetrics | undefined;
  onHealth(listener: (health: PinpadHealth) => void): () => void;
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
  const config = options.configPath ? loadConfig(options.configPath) : parseConfigText('', '(defaults)');
  const profile = loadPinpadProfile(config, options.configPath ?? '(defaults)');
  const logsDir = resolveLogsDir(config, options.dataDir);
  prepareFolder(options.dataDir, options.configPath ?? '(defaults)', 'data folder');
  prepareFolder(logsDir, options.configPath ?? '(defaults)', 'logs.dir');
  const logger = createLogger({ dir: logsDir, maxSizeMB: config.logs.maxSizeMB, retentionDays: config.logs.retentionDays });
  const trace: TraceWriter | undefined = config.logs.trace
    ? createTraceWriter({ dir: logsDir, maxSizeMB: config.logs.maxSizeMB, retentionDays: config.logs.retentionDays })
    : undefined;
  prepareJournalFile(join(options.dataDir, 'journal.sqlite'));
  const journal = new Journal(join(options.dataDir, 'journal.sqlite'));
  const pinGuard = new PinGuard(journal.db, config.service.pinHash, {
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
  const connection = new PinpadConnection({
    target,
    profile,
    terminalId: config.pinpad.id,
    currency: String(config.pinpad.currencyCodeNumeric).padStart(3, '0'),
    operationTimeoutMs: config.pinpad.timeout * 1000,
    responseTimeoutMs: (options.responseTimeoutSeconds ?? 45) * 1000,
    emulator: emulator !== undefined,
    onHealth: (health) => {
      logger.info({ pinpad: health.state, problem: health.problem, target: health.target }, 'pin pad connection');
      for (const listener of healthListeners) listener(health);
    },
    ...(trace ? { onTrace: (event) => trace.write(formatTrace(event)) } : {}),
  });
  await connection.start();

  const service = new PaymentService({
    journal,
    pinpad: connection,
    profile,
    mode: config.mode,
    qrSbp: qrSbp,
    reverseLatePayments: config.sbp.reverseLatePayments,
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

  // Recovery at start: whatever was left in flight by a crash is resolved through the terminal.
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryRun: Promise<void> | undefined;
  const unresolved = service.listUnresolved();
  if (unresolved.length > 0) {
    logger.warn({ count: unresolved.length }, 'unresolved payments found at start: recovering');
    await connection.waitConnected(5000);
    const after = await service.recover();
    logger.info({ states: after.map((p) => `${p.id}:${p.state}`) }, 'recovery at start done');
    // The terminal may still be busy with what the crashed process started (a QR stays on the pin
    // pad until it is paid or expires) and ignore the status query and the emergency cancel; or it
    // is away. Such a part stays UNKNOWN and its receipt blocked, although the terminal answers a
    // little later: ask again until it does (nothing else would before the next restart).
    const left = new Set(after.filter((p) => UNRESOLVED_STATES.has(p.state)).map((p) => p.id));
    const retry = (): void => {
      if (stopped || left.size === 0) return;
      retryTimer = setTimeout(() => {
        retryRun = (async () => {
          for (const id of [...left]) {
            if (stopped) return;
            const part = journal.getPart(id);
            // Resolved meanwhile: by hand, or by a recovery asked for from the screen.
            if (!part || !UNRESOLVED_STATES.has(part.state)) {
              left.delete(id);
              continue;
            }
            const [now] = await service.recover(id);
            if (now && !UNRESOLVED_STATES.has(now.state)) {
              left.delete(id);
              logger.info({ paymentId: id, state: now.state }, 'recovery after start: resolved');
            }
          }
        })()
          .catch((error: unknown) => {
            if (!stopped) logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'recovery after start failed; asking again');
          })
          .finally(() => {
            retryRun = undefined;
            retry();
          });
      }, RECOVERY_RETRY_MS);
      retryTimer.unref?.();
    };
    if (left.size > 0) {
      logger.warn({ payments: [...left] }, 'recovery at start left payments unresolved (the pin pad did not answer): asking again');
      retry();
    }
  }

  // A connection test at start fills in the terminal id and model of the pin-pad status (and
  // tells at once when the configured id is wrong). It moves no money.
  if (connection.health.state === 'connected' && !service.busyWith) {
    // Bounded: a silent pin pad must not hold the start for a whole operation timeout.
    await service.testConnection({ operationTimeoutMs: 10_000 }).then(
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
    publicConfig,
    checkPin: (pin, caller, purpose) => pinGuard.check(pin, caller, purpose),
    writeSupportBundle: () => writeSupportBundle({ outDir: join(options.dataDir, 'support'), logsDir, journal, config, health: connection.health }),
    exportReconciliation: (day) => writeReconciliationExport({ outDir: join(options.dataDir, 'exports'), journal, ...(day ? { day } : {}) }),
    quit: options.quit ?? (() => undefined),
    onHealth(listener) {
      healthListeners.add(listener);
      return () => healthListeners.delete(listener);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(retryTimer);
      service.stop();
      await metrics?.stop();
      await connection.stop();
      // A recovery asking again ends at once when the connection closes; let it finish before the journal closes.
      await retryRun;
      await emulator?.stop();
      journal.close();
      trace?.close();
      logger.flush();
    },
  };
}
