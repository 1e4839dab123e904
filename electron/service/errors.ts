/** The service's errors: the class and its codes live in the contract, which the renderer shares. */
export { SERVICE_ERROR_CODES, ServiceError, type ServiceErrorCode } from '../contract/errors.js';
