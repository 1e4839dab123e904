/**
 * Idempotency keys for the screens' refund and cancel. A key is made when the person confirms an
 * action and kept while that action's answer is lost (the connection dropped on the way): confirming
 * the same action again sends the same key, and the service answers with the first call's result
 * instead of giving money back twice. An answer — the result or a typed error — ends the action; the
 * next confirmation is a new action with a new key.
 */
import { toUiError } from './ui-error.js';

export interface ActionKeys {
  /** The key for this action: the kept one when it is the same action, else a new one. */
  keyFor(action: unknown): string;
  /** The call for `action` ended: with an answer the key is dropped; with the answer lost it is kept for the retry. */
  settle(action: unknown, error?: unknown): void;
}

export function actionKeys(newKey: () => string): ActionKeys {
  let kept: { readonly action: string; readonly key: string } | undefined;
  return {
    keyFor(action) {
      const text = JSON.stringify(action);
      if (kept?.action !== text) kept = { action: text, key: newKey() };
      return kept.key;
    },
    settle(action, error) {
      const lost = error !== undefined && toUiError(error).code === 'bridge-closed';
      if (!lost && kept?.action === JSON.stringify(action)) kept = undefined;
    },
  };
}
