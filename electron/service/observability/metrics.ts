/**
 * Prometheus metrics of one kiosk or till (prom-client): payments, refunds, recovery and late
 * QR payments counted from the journal's audit trail — so a restart starts from what the journal
 * knows, not from zero — and the pin pad, unresolved parts and the last reconciliation as gauges.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PinpadHealth } from '../../contract/types.js';
import type { Journal } from '../journal/journal.js';
import type { PartMethod, PartState } from '../journal/part-lifecycle.js';
import { ReconciliationStore } from '../journal/reconciliation-store.js';
import { AuditFeed, type AuditFeedRow } from '../journal/audit-feed.js';

export interface KioskMetricsOptions {
  readonly journal: Journal;
  health(): PinpadHealth;
  /** Parts whose outcome is unknown and that nothing is working on. */
  unresolvedCount(): number;
  readonly info: { readonly version: string; readonly mode: string; readonly profile: string; terminalId(): string };
  readonly now?: () => Date;
}

const PAYMENT_OUTCOMES: Readonly<Partial<Record<PartState, string>>> = {
  APPROVED: 'approved',
  DECLINED: 'declined',
  UNKNOWN: 'unknown',
  REVERSED: 'reversed',
  FAILED: 'failed',
};
const REFUND_OUTCOMES: Readonly<Partial<Record<PartState, string>>> = { APPROVED: 'approved', DECLINED: 'declined', UNKNOWN: 'unknown', FAILED: 'failed' };
const METHODS: readonly PartMethod[] = ['card', 'sbp', 'cash'];
const RESOLVED_FROM_UNKNOWN: ReadonlySet<PartState> = new Set(['APPROVED', 'DECLINED', 'REVERSED']);
/** Journal events that are not an answer of the pin pad (cash, a cashier's decision, a request being sent). */
const NOT_FROM_TERMINAL: ReadonlySet<string> = new Set(['resolved-by-cashier', 'cash-taken', 'cash-refund', 'sending', 'recovered-not-sent', 'fully-refunded']);

const BATCH = 5000;

/**
 * Why the kiosk screen's renderer was brought back: how the process ended (Electron's
 * render-process-gone reasons), `unresponsive` (hung, ended by the main process), `crash-loop`
 * (too many deaths: the static "out of order" page instead of the kiosk), `other` for anything else.
 */
export const RENDERER_RESTART_REASONS = [
  'crashed',
  'oom',
  'killed',
  'abnormal-exit',
  'launch-failed',
  'integrity-failure',
  'memory-eviction',
  'clean-exit',
  'unresponsive',
  'crash-loop',
  'other',
] as const;
export type RendererRestartReason = (typeof RENDERER_RESTART_REASONS)[number];

export class KioskMetrics {
  readonly registry = new Registry();
  readonly #options: KioskMetricsOptions;
  readonly #now: () => Date;
  readonly #reconciliations: ReconciliationStore;
  readonly #feed: AuditFeed;
  /** Audit rows up to this id are counted. */
  #seen = 0;
  /** When each part still unresolved became UNKNOWN, ms. */
  readonly #unknownSince = new Map<string, number>();
  #lastSeen: number | undefined;

  readonly #payments = new Counter({
    name: 'kiosk_payments_total',
    help: 'Payment outcomes recorded in the journal, by method and outcome (approved, declined, unknown, reversed, failed).',
    labelNames: ['method', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #amount = new Counter({
    name: 'kiosk_payment_amount_kopecks_total',
    help: 'Sum of approved payments, kopecks, by method.',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });
  readonly #refunds = new Counter({
    name: 'kiosk_refunds_total',
    help: 'Refund outcomes (void, refund with the card or QR, cash), by how and outcome.',
    labelNames: ['how', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #late = new Counter({
    name: 'kiosk_late_payments_total',
    help: 'QR payments that arrived after their QR expired or was cancelled.',
    registers: [this.registry],
  });
  readonly #recovery = new Histogram({
    name: 'kiosk_recovery_seconds',
    help: 'From a part becoming unknown to its outcome being settled (through the terminal or by hand), seconds.',
    buckets: [1, 5, 15, 30, 60, 120, 300, 900, 3600, 14_400],
    registers: [this.registry],
  });

  readonly #rendererRestarts = new Counter({
    name: 'kiosk_renderer_restarts_total',
    help: 'Times the screen was brought back after its renderer died or hung, by reason; crash-loop = the static out-of-order page was shown instead.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor(options: KioskMetricsOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#reconciliations = new ReconciliationStore(options.journal.db);
    this.#feed = new AuditFeed(options.journal.db);
    const registry = this.registry;
    // Every series exists from the start (at 0), so rate() and absent() behave.
    for (const method of METHODS) {
      this.#amount.inc({ method }, 0);
      for (const outcome of new Set(Object.values(PAYMENT_OUTCOMES))) this.#payments.inc({ method, outcome }, 0);
    }
    for (const how of ['void', 'refund', 'cash'] as const)
      for (const outcome of new Set(Object.values(REFUND_OUTCOMES))) this.#refunds.inc({ how, outcome }, 0);
    for (const reason of RENDERER_RESTART_REASONS) this.#rendererRestarts.inc({ reason }, 0);

    // In collect(), `this` is the gauge: what they read of the kiosk comes through these closures.
    const connected = (): number => (this.#connected() ? 1 : 0);
    const lastSeenSeconds = (): number => {
      if (this.#connected()) this.#lastSeen = this.#now().getTime();
      return this.#lastSeen === undefined ? 0 : Math.floor(this.#lastSeen / 1000);
    };
    const lastReconciliation = () => this.#reconciliations.latest();
    new Gauge({
      name: 'kiosk_pinpad_connected',
      help: '1 when the pin pad is connected, else 0.',
      registers: [registry],
      collect() {
        this.set(connected());
      },
    });
    new Gauge({
      name: 'kiosk_pinpad_last_seen_timestamp_seconds',
      help: 'When the pin pad was last seen connected or last answered a payment (from the journal across restarts), Unix seconds; 0 = never.',
      registers: [registry],
      collect() {
        this.set(lastSeenSeconds());
      },
    });
    new Gauge({
      name: 'kiosk_unresolved_parts',
      help: 'Payments and refunds whose outcome is not known yet (and that nothing is working on).',
      registers: [registry],
      collect() {
        this.set(options.unresolvedCount());
      },
    });
    new Gauge({
      name: 'kiosk_reconciliation_matched',
      help: '1 when the last close of day matched the journal, 0 when it showed differences; labelled with the business day closed.',
      labelNames: ['business_day'] as const,
      registers: [registry],
      collect() {
        this.reset();
        const last = lastReconciliation();
        if (last) this.set({ business_day: last.businessDay }, last.matched ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kiosk_info',
      help: 'Always 1: what runs here.',
      labelNames: ['version', 'terminal_id', 'mode', 'profile'] as const,
      registers: [registry],
      collect() {
        this.reset();
        const { info } = options;
        this.set({ version: info.version, terminal_id: info.terminalId(), mode: info.mode, profile: info.profile }, 1);
      },
    });
    collectDefaultMetrics({ register: registry });
    this.refresh();
  }

  #connected(): boolean {
    return this.#options.health().state === 'connected';
  }

  /** Tells of a pin-pad health change (keeps the last time it was seen connected). */
  noteHealth(health: PinpadHealth): void {
    if (health.state === 'connected') this.#lastSeen = this.#now().getTime();
    else if (this.#lastSeen !== undefined) this.#lastSeen = Math.max(this.#lastSeen, Date.parse(health.since) || 0);
  }

  /** Counts one restart of the screen's renderer (the main process tells; the journal does not know of it). */
  countRendererRestart(reason: RendererRestartReason): void {
    this.#rendererRestarts.inc({ reason: RENDERER_RESTART_REASONS.includes(reason) ? reason : 'other' });
  }

  /** Counts the audit rows written since the last look (at start: all of them). */
  refresh(): void {
    for (;;) {
      const rows = this.#feed.after(this.#seen, BATCH);
      for (const row of rows) this.#count(row);
      if (rows.length > 0) this.#seen = rows[rows.length - 1]!.id;
      if (rows.length < BATCH) return;
    }
  }

  #count(row: AuditFeedRow): void {
    if (row.event === 'late-payment') this.#late.inc();
    if (!row.part_id || !row.to_state || row.from_state === row.to_state || !row.kind || !row.method) return;
    // A final answer of the pin pad means it was there then (the journal knows it across restarts).
    if (row.method !== 'cash' && RESOLVED_FROM_UNKNOWN.has(row.to_state) && !NOT_FROM_TERMINAL.has(row.event)) {
      const at = Date.parse(row.at);
      if (Number.isFinite(at)) this.#lastSeen = Math.max(this.#lastSeen ?? 0, at);
    }
    if (row.to_state === 'UNKNOWN' && !this.#unknownSince.has(row.part_id)) this.#unknownSince.set(row.part_id, Date.parse(row.at));
    if (row.from_state === 'UNKNOWN' && RESOLVED_FROM_UNKNOWN.has(row.to_state)) {
      const since = this.#unknownSince.get(row.part_id);
      this.#unknownSince.delete(row.part_id);
      const seconds = since === undefined ? NaN : (Date.parse(row.at) - since) / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) this.#recovery.observe(seconds);
    }
    if (row.kind === 'payment') {
      const outcome = PAYMENT_OUTCOMES[row.to_state];
      if (!outcome) return;
      this.#payments.inc({ method: row.method, outcome });
      if (row.to_state === 'APPROVED' && row.amount !== null) this.#amount.inc({ method: row.method }, row.amount);
    } else {
      const outcome = REFUND_OUTCOMES[row.to_state];
      if (outcome && row.how) this.#refunds.inc({ how: row.how, outcome });
    }
  }

  /** The exposition text, after counting what the journal recorded since the last scrape. */
  async text(): Promise<string> {
    this.refresh();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
