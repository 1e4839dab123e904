/**
 * Names of the contract's methods and events, without their schemas: the preload needs only
 * these. contract.ts checks at compile time that this list and its table agree.
 */
export const METHOD_NAMES = [
  'receipt.open',
  'receipt.get',
  'receipt.search',
  'receipt.cancel',
  'receipt.printed',
  'payment.start',
  'payment.cancel',
  'refund.plan',
  'refund.start',
  'unknown.list',
  'unknown.resolve',
  'unknown.resolveManually',
  'lateWatch.list',
  'lateWatch.end',
  'service.unlock',
  'service.lock',
  'service.test',
  'service.settle',
  'service.reconciliationExport',
  'service.report',
  'service.slipCopy',
  'service.journal',
  'service.supportBundle',
  'app.quit',
  'app.lifecycle',
  'config.get',
  'pinpad.health',
] as const;

export const EVENT_NAMES = ['payment', 'receipt', 'pinpad', 'late-payment', 'lifecycle'] as const;

export type MethodNameList = (typeof METHOD_NAMES)[number];
export type EventNameList = (typeof EVENT_NAMES)[number];

export const invokeChannel = (name: MethodNameList): string => `kiosk:invoke:${name}`;
export const eventChannel = (name: EventNameList): string => `kiosk:event:${name}`;
