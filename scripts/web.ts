/**
 * npm run web — browser mode: the payment service, the built-in emulator when no pin pad is
 * configured, the WebSocket bridge, and the built UI at http://127.0.0.1:5780/ (token in the
 * URL fragment). Runs until stopped. Options: --port N, --config FILE, --data-dir DIR,
 * --emulator "<pinpad-emulator options>" (e.g. "--fast --scenario switch-to-qr").
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBridge, type Bridge } from '../electron/bridge/server.js';
import { createDispatcher } from '../electron/ipc/dispatch.js';
import { startServiceApp, type ServiceApp } from '../electron/service/app.js';
import { createHandlers, subscribeServiceEvents } from '../electron/service/handlers.js';
import { createShutdown, onStopSignals, type Shutdown } from '../electron/service/lifecycle/shutdown.js';
import { supervisorFromEnv, type NotifySend, type Supervisor } from '../electron/service/lifecycle/supervisor.js';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const UI_DIR = join(ROOT, 'dist', 'renderer');

export interface WebModeOptions {
  readonly port?: number;
  readonly configPath?: string;
  readonly dataDir: string;
  readonly emulatorArgs?: readonly string[];
  readonly staticDir?: string;
  readonly token?: string;
  readonly responseTimeoutSeconds?: number;
  /** Where removable drives are mounted (tests: a temporary tree). */
  readonly mediaRoots?: readonly string[];
  readonly onQuit?: () => void;
  /** systemd notifications (READY, WATCHDOG, STOPPING) when `env.NOTIFY_SOCKET` is set; `send` replaces systemd-notify in tests. */
  readonly notify?: { readonly env: NodeJS.ProcessEnv; readonly send?: NotifySend };
}

export interface WebMode {
  readonly app: ServiceApp;
  readonly bridge: Bridge;
  /** Set when systemd asked for notifications. */
  readonly supervisor: Supervisor | undefined;
  /** Drain, then stop (signals, app.quit): the bridge stays up until what is at the pin pad has its answer. */
  readonly shutdown: Shutdown;
  /** Closes at once (tests); what is at the pin pad is left to recovery. */
  stop(): Promise<void>;
}

export async function startWebMode(options: WebModeOptions): Promise<WebMode> {
  const app = await startServiceApp({
    dataDir: options.dataDir,
    ...(options.configPath ? { configPath: options.configPath } : {}),
    ...(options.emulatorArgs ? { emulatorArgs: options.emulatorArgs } : {}),
    ...(options.responseTimeoutSeconds ? { responseTimeoutSeconds: options.responseTimeoutSeconds } : {}),
    ...(options.mediaRoots ? { mediaRoots: options.mediaRoots } : {}),
    quit: () => options.onQuit?.(),
  });
  try {
    const dispatch = createDispatcher(createHandlers(app), (line, data) => app.logger.warn({ ...data }, line));
    const bridge = await startBridge({
      port: options.port ?? 5780,
      token: options.token ?? app.config.bridge.token ?? randomBytes(24).toString('base64url'),
      dispatch,
      subscribe: (emit) => subscribeServiceEvents(app, emit),
      ...(options.staticDir !== undefined ? { staticDir: options.staticDir } : {}),
      log: (line, data) => app.logger.warn({ ...data }, line),
    });
    const supervisor = options.notify
      ? supervisorFromEnv(
          options.notify.env,
          () => app.probeJournal(),
          (line, data) => app.logger.warn({ ...data }, line),
          options.notify.send,
        )
      : undefined;
    const shutdown = createShutdown({ app, closeBindings: () => bridge.close(), supervisor });
    void supervisor?.ready(`Taking payments (${app.config.mode}); bridge on ${bridge.wsUrl}`);
    return {
      app,
      bridge,
      supervisor,
      shutdown,
      async stop() {
        supervisor?.close();
        await bridge.close();
        await app.stop();
      },
    };
  } catch (error) {
    await app.stop();
    throw error;
  }
}

/** Options whose value is itself a list of options ("--fast --scenario switch-to-qr"). */
const NESTED_OPTIONS = new Set(['--emulator']);

/**
 * The command line of `npm run web`. `--emulator "--fast …"` is taken as written: its value starts
 * with a dash, which parseArgs alone refuses as ambiguous.
 */
export function parseWebArgs(argv: readonly string[]): {
  port?: string | undefined;
  config?: string | undefined;
  'data-dir'?: string | undefined;
  emulator?: string | undefined;
  help?: boolean | undefined;
} {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (NESTED_OPTIONS.has(arg) && i + 1 < argv.length) args.push(`${arg}=${argv[++i]!}`);
    else args.push(arg);
  }
  return parseArgs({
    args,
    options: {
      port: { type: 'string' },
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      emulator: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

async function main(): Promise<void> {
  const values = parseWebArgs(process.argv.slice(2));
  if (values.help) {
    process.stdout.write('npm run web -- [--port 5780] [--config FILE] [--data-dir DIR] [--emulator "<pinpad-emulator options>"]\n');
    return;
  }
  const port = values.port === undefined ? 5780 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port takes a port number, got "${values.port}"`);
  if (!existsSync(join(UI_DIR, 'index.html'))) throw new Error(`the UI is not built (${UI_DIR}); run "npm run build:ui" first`);
  const web = await startWebMode({
    port,
    dataDir: resolve(values['data-dir'] ?? join(ROOT, '.state', 'web')),
    ...(values.config ? { configPath: resolve(values.config) } : {}),
    ...(values.emulator ? { emulatorArgs: values.emulator.split(/\s+/).filter(Boolean) } : {}),
    staticDir: UI_DIR,
    onQuit: () => stop('quit'),
    notify: { env: process.env },
  });
  // Drain, then exit 0; repeated signals join the same drain (the handlers stay until the exit).
  const stop = (reason: string): void => {
    void web.shutdown.request(reason).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`npm run web: the stop failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  const health = web.app.connection.health;
  process.stdout.write(
    `Browser mode: open ${web.bridge.pageUrl}\n` +
      `  pin pad: ${health.emulator ? 'built-in emulator (no real payments)' : 'configured'} at ${health.target} — ${health.state}\n` +
      `  journal and logs: ${web.app.dataDir}\n` +
      `  bridge for a POS core on this machine: ${web.bridge.wsUrl} (token in the URL above)\n` +
      'Press Ctrl-C to stop.\n',
  );
  onStopSignals(process, stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`npm run web: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
