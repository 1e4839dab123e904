/** The service's error class; it lives in the contract (electron/contract/errors.ts), which the renderer shares. */
export { ServiceError } from '../contract/errors.js';
