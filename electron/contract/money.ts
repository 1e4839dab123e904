/** Money text for the renderer: the pin-pad world's one formatter, passed through the contract. */
export { formatMoney } from '../../native/inpas/money.js';
