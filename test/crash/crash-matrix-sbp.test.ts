/** The crash matrix (crash-matrix.ts) for SBP payments: approve, decline (expired QR), a silent pin pad, and a QR still on the pin pad after the kill. */
import { crashMatrix } from './crash-matrix.js';

crashMatrix('sbp');
