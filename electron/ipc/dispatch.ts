/**
 * The main-side binding of the contract, shared by Electron IPC and the WebSocket bridge:
 * it takes `unknown` from the outside, narrows it with the method's schema, runs the handler
 * (whose first step is the one authorization, service/access/permissions.ts) and returns
 * `{ ok, value | error }`. Garbage never reaches the service, and nothing is sent to the pin
 * pad for it.
 */
import { ServiceError, toWireError, type ServiceErrorCode, type WireResult } from '../contract/errors.js';
import { METHODS, type CallContext, type Handlers, type MethodName } from '../contract/methods.js';

/** Payloads larger than this are refused before they are parsed. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

function fail(code: ServiceErrorCode, message: string, data?: Record<string, unknown>): WireResult<never> {
  return { ok: false, error: new ServiceError(code, message, data).toJSON() };
}

export type Dispatch = (method: unknown, payload: unknown, ctx: CallContext) => Promise<WireResult<unknown>>;

/** A method name for a log line or an error message, whatever value was sent. */
function describeMethod(method: unknown): string {
  if (typeof method === 'string') return JSON.stringify(method.slice(0, 80));
  if (method === null) return 'null';
  if (Array.isArray(method)) return 'an array';
  return `a ${typeof method}`;
}

/** Payloads nested deeper than this are refused before they are parsed (no method takes more than 4 levels). */
export const MAX_PAYLOAD_DEPTH = 16;

/** Depth of nested arrays / objects, counted without recursion; stops counting past `limit`. */
export function payloadDepth(value: unknown, limit = MAX_PAYLOAD_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const inner of Object.values(item)) stack.push([inner, depth + 1]);
  }
  return deepest;
}

export function createDispatcher(handlers: Handlers, log?: (line: string, data?: Record<string, unknown>) => void): Dispatch {
  const dispatch: Dispatch = async (method, payload, ctx) => {
    if (typeof method !== 'string' || !Object.hasOwn(METHODS, method)) {
      log?.('refused an unknown method', { method: describeMethod(method), caller: ctx.caller });
      return fail('unknown-method', `unknown method ${describeMethod(method)}`);
    }
    const name = method as MethodName;
    let size: number;
    try {
      if (payloadDepth(payload) > MAX_PAYLOAD_DEPTH) return fail('invalid-input', `${name}: the payload is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
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
    try {
      const handler = handlers[name] as (input: unknown, ctx: CallContext) => Promise<unknown> | unknown;
      return { ok: true, value: await handler(parsed.data, ctx) };
    } catch (error) {
      const wire = toWireError(error);
      if (wire.code === 'internal') log?.('handler failed', { method: name, caller: ctx.caller, error: wire.message });
      return { ok: false, error: wire };
    }
  };
  // Total: whatever goes wrong above (a throwing log, an exotic value) is an answer, never a rejection.
  return async (method, payload, ctx) => {
    try {
      return await dispatch(method, payload, ctx);
    } catch (error) {
      return fail('internal', `the call failed: ${error instanceof Error ? error.message : 'unknown error'}`);
    }
  };
}
