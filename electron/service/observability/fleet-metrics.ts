/** Starts the kiosk's Prometheus endpoint from the `[metrics]` configuration (none when `listen` is absent). */
import pkg from '../../../package.json' with { type: 'json' };
import type { AppConfig } from '../config/config.js';
import type { PinpadHealth } from '../../contract/types.js';
import type { Journal } from '../journal/journal.js';
import { KioskMetrics } from './metrics.js';
import { startMetricsServer } from './metrics-server.js';
import type { PaymentService } from '../payments/payment-service.js';

export interface FleetMetrics {
  readonly metrics: KioskMetrics;
  /** host:port the endpoint listens on. */
  readonly address: string;
  stop(): Promise<void>;
}

export async function startFleetMetrics(deps: {
  readonly config: AppConfig;
  readonly journal: Journal;
  readonly service: PaymentService;
  readonly connection: { readonly health: PinpadHealth };
  readonly profileName: string;
  onHealth(listener: (health: PinpadHealth) => void): () => void;
  readonly log: (line: string, data?: Record<string, unknown>) => void;
}): Promise<FleetMetrics | undefined> {
  const listen = deps.config.metrics.listen;
  if (!listen) return undefined;
  const metrics = new KioskMetrics({
    journal: deps.journal,
    health: () => deps.connection.health,
    unresolvedCount: () => deps.service.listUnresolved().length,
    info: {
      version: pkg.version,
      mode: deps.config.mode,
      profile: deps.profileName,
      terminalId: () => deps.connection.health.terminalId ?? deps.config.pinpad.id,
    },
  });
  const off = deps.onHealth((health) => metrics.noteHealth(health));
  metrics.noteHealth(deps.connection.health);
  try {
    const server = await startMetricsServer({
      host: listen.host,
      port: listen.port,
      token: deps.config.metrics.token,
      render: async () => ({ text: await metrics.text(), contentType: metrics.contentType }),
      log: deps.log,
    });
    if (deps.config.metrics.token === undefined && !/^(127\.|::1$|localhost$)/.test(listen.host)) {
      deps.log('metrics: served beyond loopback without a token; set [metrics] token', { listen: server.address });
    }
    return {
      metrics,
      address: server.address,
      async stop() {
        off();
        await server.close();
      },
    };
  } catch (error) {
    // Payments matter more than metrics: the kiosk runs on, and says why there is no endpoint.
    off();
    deps.log('metrics: cannot listen; no /metrics endpoint', {
      listen: `${listen.host}:${listen.port}`,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}
