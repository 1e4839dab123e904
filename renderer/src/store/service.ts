/**
 * The service slice (behind the PIN): terminal operations one at a time, the journal, the
 * unknown outcomes and their recovery, the late-payment watches a cashier may end, the support
 * bundle, quitting the app.
 */
import type { AuditView, LateWatchView, Part, ReconciliationExport, ServiceOperationResult } from '../../../electron/contract/types.js';
import type { TextKey } from '../i18n.js';
import type { Kit } from './kit.js';
import { toUiError } from './ui-error.js';

export type ServiceOp = 'test' | 'settle' | 'reportShort' | 'reportFull' | 'slipCopy';

interface ServiceState {
  readonly unlocked: boolean;
  readonly pinError: boolean;
  readonly busy: ServiceOp | 'resolve' | undefined;
  readonly lastOp: { readonly op: ServiceOp; readonly result: ServiceOperationResult } | undefined;
  readonly journal: readonly AuditView[] | undefined;
  readonly unknowns: readonly Part[] | undefined;
  /** Per unknown payment: its receipt's short number and the journal's last words about it. */
  readonly unknownInfo: Readonly<Record<string, UnknownInfo>>;
  /** What the last status query found (the parts it asked about, as they are now). */
  readonly resolveResult: readonly Part[] | undefined;
  readonly lateWatches: readonly LateWatchView[] | undefined;
  readonly bundlePath: string | undefined;
  /** The bundle's copy on a removable drive, when one was mounted. */
  readonly bundleRemovable: string | undefined;
}

export interface UnknownInfo {
  readonly receiptNumber: number | undefined;
  /** The newest thing the pin pad (or the service about it) said, from the journal. */
  readonly lastWords: string | undefined;
}

export interface ServiceSliceState {
  readonly service: ServiceState;
}

export interface ServiceActions {
  serviceUnlock(pin: string): Promise<boolean>;
  serviceLock(): Promise<void>;
  serviceRun(op: ServiceOp): Promise<void>;
  serviceJournal(filter: { receipt?: string; receiptId?: string; paymentId?: string }): Promise<void>;
  serviceUnknowns(): Promise<void>;
  serviceResolve(paymentId?: string): Promise<void>;
  serviceResolveManually(input: { paymentId: string; decision: 'approved' | 'declined'; note: string; rrn?: string }): Promise<boolean>;
  serviceLateWatches(): Promise<void>;
  /** Ends a late-payment watch with the cashier's note (audited by the service); false on error. */
  serviceEndLateWatch(paymentId: string, note: string): Promise<boolean>;
  serviceBundle(): Promise<void>;
  /** Writes a business day's reconciliations (default: the last day closed) as CSV and JSON; undefined on error. */
  serviceExportReconciliation(day?: string): Promise<ReconciliationExport | undefined>;
  quitApp(pin: string): Promise<void>;
}

const INITIAL_SERVICE: ServiceState = {
  unlocked: false,
  pinError: false,
  busy: undefined,
  lastOp: undefined,
  journal: undefined,
  unknowns: undefined,
  unknownInfo: {},
  resolveResult: undefined,
  lateWatches: undefined,
  bundlePath: undefined,
  bundleRemovable: undefined,
};

const SERVICE_OP_LABEL: Readonly<Record<ServiceOp, TextKey>> = {
  test: 'service.test',
  settle: 'service.settle',
  reportShort: 'service.reportShort',
  reportFull: 'service.reportFull',
  slipCopy: 'service.slipCopy',
};

export function serviceOpLabel(op: ServiceOp): TextKey {
  return SERVICE_OP_LABEL[op];
}

export function createServiceSlice(kit: Kit): ServiceSliceState & ServiceActions {
  const { api, now, set, get, log } = kit;
  const patch = (change: Partial<ServiceState>): void => set({ service: { ...get().service, ...change } });
  return {
    service: INITIAL_SERVICE,

    async serviceUnlock(pin) {
      try {
        const { unlocked } = await api.invoke('service.unlock', { pin });
        patch({ unlocked, pinError: !unlocked });
        set({ lastActivity: now() });
        return unlocked;
      } catch (error) {
        kit.fail(error);
        return false;
      }
    },

    async serviceLock() {
      patch({ ...INITIAL_SERVICE });
      try {
        await api.invoke('service.lock', {});
      } catch (error) {
        log('service.lock failed', toUiError(error));
      }
    },

    async serviceRun(op) {
      // One terminal operation at a time.
      if (get().service.busy) return;
      patch({ busy: op, lastOp: undefined });
      set({ error: undefined });
      try {
        const result =
          op === 'test'
            ? await api.invoke('service.test', {})
            : op === 'settle'
              ? await api.invoke('service.settle', {})
              : op === 'slipCopy'
                ? await api.invoke('service.slipCopy', {})
                : await api.invoke('service.report', { full: op === 'reportFull' });
        patch({ lastOp: { op, result } });
      } catch (error) {
        kit.fail(error);
      } finally {
        patch({ busy: undefined });
        set({ lastActivity: now() });
      }
    },

    async serviceJournal(filter) {
      try {
        const journal = await api.invoke('service.journal', {
          ...(filter.receipt ? { receipt: filter.receipt } : {}),
          ...(filter.receiptId ? { receiptId: filter.receiptId } : {}),
          ...(filter.paymentId ? { paymentId: filter.paymentId } : {}),
          limit: 200,
        });
        patch({ journal });
      } catch (error) {
        kit.fail(error);
      }
    },

    async serviceUnknowns() {
      try {
        const unknowns = await api.invoke('unknown.list', {});
        const info: Record<string, UnknownInfo> = {};
        for (const part of unknowns) {
          const rows = await api.invoke('service.journal', { paymentId: part.id, limit: 50 });
          info[part.id] = {
            receiptNumber: rows.find((r) => r.receiptNumber !== null)?.receiptNumber ?? undefined,
            lastWords: part.text ?? rows.find((r) => r.detail)?.detail ?? undefined,
          };
        }
        // Kept for parts just resolved: the query's result still names their receipts.
        patch({ unknowns, unknownInfo: { ...get().service.unknownInfo, ...info } });
      } catch (error) {
        kit.fail(error);
      }
    },

    async serviceResolve(paymentId) {
      if (get().service.busy) return;
      patch({ busy: 'resolve', resolveResult: undefined });
      try {
        patch({ resolveResult: await api.invoke('unknown.resolve', paymentId ? { paymentId } : {}) });
      } catch (error) {
        kit.fail(error);
      } finally {
        patch({ busy: undefined });
      }
      await get().serviceUnknowns();
      const r = get().receipt;
      if (r) {
        try {
          kit.setReceipt(await api.invoke('receipt.get', { receiptId: r.id }));
        } catch (error) {
          log('could not reload the receipt', toUiError(error));
        }
      }
    },

    async serviceResolveManually(input) {
      try {
        await api.invoke('unknown.resolveManually', {
          paymentId: input.paymentId,
          decision: input.decision,
          note: input.note,
          ...(input.rrn ? { rrn: input.rrn } : {}),
        });
        await get().serviceUnknowns();
        return true;
      } catch (error) {
        kit.fail(error);
        return false;
      }
    },

    async serviceLateWatches() {
      try {
        patch({ lateWatches: await api.invoke('lateWatch.list', {}) });
      } catch (error) {
        kit.fail(error);
      }
    },

    async serviceEndLateWatch(paymentId, note) {
      try {
        await api.invoke('lateWatch.end', { paymentId, note });
      } catch (error) {
        kit.fail(error);
        return false;
      }
      await get().serviceLateWatches();
      return true;
    },

    async serviceBundle() {
      try {
        const { path, removable } = await api.invoke('service.supportBundle', {});
        patch({ bundlePath: path, bundleRemovable: removable });
      } catch (error) {
        kit.fail(error);
      }
    },

    async serviceExportReconciliation(day) {
      try {
        return await api.invoke('service.reconciliationExport', day ? { day } : {});
      } catch (error) {
        kit.fail(error);
        return undefined;
      }
    },

    async quitApp(pin) {
      try {
        await api.invoke('app.quit', { pin });
      } catch (error) {
        kit.fail(error);
      }
    },
  };
}
