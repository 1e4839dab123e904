/** The crash matrix (crash-matrix.ts) for card payments: approve, decline and a silent pin pad. */
import { crashMatrix } from './crash-matrix.js';

crashMatrix('card');
