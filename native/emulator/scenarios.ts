/** Emulator scenarios: how the customer and the bank behave. */
export const SCENARIOS = {
  approve: 'card operations approved, except amounts ending in 51 kopecks (declined: insufficient funds); QR paid after --qr-pay-delay',
  'approve-with-conditions': 'like approve, but approved card sales answer field 39 = 2 (done with conditions)',
  'approve-offline': 'like approve, but approved card sales answer field 39 = 17 (completed offline by the card chip)',
  decline: 'every card sale and refund declined by the bank',
  'switch-to-qr': 'at every card sale the customer presses key 1 on the pin pad and pays by SBP QR',
  'qr-expire': 'QR codes are never paid and expire after --qr-lifetime',
  'qr-late-pay': 'QR codes expire at the pin pad, then the payment arrives at the bank afterwards (found by a status query)',
  'host-link': 'before each operation the pin pad asks the till to open a link to the bank host (command mode 65=16)',
  'screen-text': 'during card sales the pin pad sends a text for the till screen (command mode, field 71)',
  'cancel-too-late':
    'card sales: the card is tapped as the prompt appears (the prompt stays on for --card-delay, the card already read), then the bank takes at least 4 s to answer; a cancel sent meanwhile cannot stop it and the sale is approved',
  'card-removed': 'the customer never presents a card: the sale waits until the till cancels or the pin pad gives up',
} as const;

export type ScenarioName = keyof typeof SCENARIOS;

export function isScenario(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}
