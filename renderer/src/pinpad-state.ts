/** The pin pad's state in words: the status line's text and what a wrong terminal id tells whom. */
import type { PinpadHealth } from '../../electron/contract/types.js';
import type { TextKey, TextParams } from './i18n.js';

export const PINPAD_STATE_TEXT: Readonly<Record<string, TextKey>> = {
  connecting: 'pinpad.connecting',
  connected: 'pinpad.connected',
  reconnecting: 'pinpad.reconnecting',
  'wrong-terminal-id': 'pinpad.wrongTerminalId',
  stopped: 'pinpad.stopped',
  'not-answering': 'pinpad.notAnswering',
};

/**
 * The state the screens show: the connection's, except that an open port whose pin pad has left a
 * request unanswered is 'not-answering' — a green "connected" would claim what the line denies.
 */
export function shownPinpadState(health: PinpadHealth): string {
  return health.state === 'connected' && health.answering === false ? 'not-answering' : health.state;
}

/**
 * The warning for a wrong terminal id, or undefined in any other state: the cashier and the
 * service screen get both ids and the fix; the customer is sent to staff.
 */
export function wrongTerminalIdText(
  health: PinpadHealth | undefined,
  mode: 'kiosk' | 'till',
  view: string,
): { readonly key: TextKey; readonly params?: TextParams } | undefined {
  if (health?.state !== 'wrong-terminal-id') return undefined;
  if (mode === 'till' || view === 'service') return { key: 'pinpad.wrongTerminalIdStaff', params: { problem: health.problem ?? '' } };
  return { key: 'pinpad.wrongTerminalIdCustomer' };
}
