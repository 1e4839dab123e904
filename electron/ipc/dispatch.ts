/**
 * The main-side binding of the contract, shared by Electron IPC and the WebSocket bridge:
 * it takes `unknown` from the outside, narrows it with the method's schema, checks the
 * service PIN where needed, runs the handler and returns `{ ok, value | error }`. Garbage
 * never reaches the service, and nothing is sent to the pin pad for it.
 */
import { ServiceError, toWireError, type ServiceErrorCode, type WireResult } from '../contract/errors.js';
import { METHODS, type CallContext, type Handlers, type MethodName } from '../contract/methods.js';

/** Payloads larger than this are refused before they are parsed. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

function fail(code: ServiceErrorCode, message: string, data?: Record<string, unknown>): WireResult<never> {
  return { ok: false, error: new ServiceError(code, message, data).toJSON() };
}

export type Dispatch = (method: unknown, payload: unknown, ctx: CallContext) => Promise<WireResult<unknown>>;

export function createDispatcher(handlers: Handlers, log?: (line: string, data?: Record<string, unknown>) => void): Dispatch {
  return async (method, payload, ctx) => {
    if (typeof method !== 'string' || !Object.hasOwn(METHODS, method)) {
      log?.('refused an unknown method', { method: String(method).slice(0, 80), caller: ctx.caller });
      return fail('unknown-method', `unknown method ${JSON.stringify(String(method).slice(0, 80))}`);
    }
    const name = method as MethodName;
    let size: number;
    try {
      size = JSON.stringify(payload ?? {}).length;
    } catch {
      return fail('invalid-input', `${name}: the payload is not plain data`);
    }
    if (size > MAX_PAYLOAD_BYTES) return fail('invalid-input', `${name}: the payload of ${size} bytes is over the ${MAX_PAYLOAD_BYTES}-byte limit`);
    const spec = METHODS[name];
    const parsed = spec.input.safeParse(payload ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`);
      log?.('refused invalid input', { method: name, caller: ctx.caller, issues });
      return fail('invalid-input', `${name}: ${issues.join('; ')}`, { issues });
    }
    if (spec.service && !ctx.unlocked) return fail('forbidden', `${name} needs the service PIN`);
    try {
      const handler = handlers[name] as (input: unknown, ctx: CallContext) => Promise<unknown> | unknown;
      return { ok: true, value: await handler(parsed.data, ctx) };
    } catch (error) {
      const wire = toWireError(error);
      if (wire.code === 'internal') log?.('handler failed', { method: name, caller: ctx.caller, error: wire.message });
      return { ok: false, error: wire };
    }
  };
}
