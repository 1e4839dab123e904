/**
 * Authorization has one source: the method table's `access`. Every method is tried as a locked
 * customer screen and a locked till, and as an unlocked one, and the answer follows the table.
 */
import { describe, expect, it } from 'vitest';
import { METHODS, type CallContext, type MethodName } from '../../../electron/contract/methods.js';
import { authorize, type PermissionDeps } from '../../../electron/service/access/permissions.js';

function depsFor(mode: 'kiosk' | 'till'): PermissionDeps {
  return {
    mode: () => mode,
    // No receipt and no part is known: the own-receipt rules have nothing to refuse.
    journal: { getReceiptRow: () => undefined, getPart: () => undefined },
    repeatsEarlierCall: () => false,
  };
}

/** An input each method's own-receipt rule accepts (unknown ids), so only the access level decides. */
function inputFor(method: MethodName): Record<string, unknown> {
  return method === 'unknown.resolve' ? { paymentId: 'p-1' } : { receiptId: 'r-1', paymentId: 'p-1' };
}

function refusal(method: MethodName, mode: 'kiosk' | 'till', unlocked: boolean): string | undefined {
  const ctx: CallContext = { unlocked, caller: 'test' };
  try {
    authorize(method, inputFor(method), ctx, depsFor(mode));
    return undefined;
  } catch (error) {
    expect(error).toMatchObject({ code: 'forbidden' });
    return (error as Error).message;
  }
}

const names = Object.keys(METHODS) as MethodName[];

describe('authorization follows the method table', () => {
  it('the table names all three levels (a table with one level would make this test say nothing)', () => {
    expect(new Set(names.map((name) => METHODS[name].access))).toEqual(new Set(['anyone', 'staff-at-kiosk', 'staff']));
  });

  it.each(names)('%s', (name) => {
    const access = METHODS[name].access;
    expect(refusal(name, 'kiosk', true)).toBeUndefined();
    expect(refusal(name, 'till', true)).toBeUndefined();
    if (access === 'staff') {
      expect(refusal(name, 'kiosk', false)).toMatch(/needs the service PIN/);
      expect(refusal(name, 'till', false)).toMatch(/needs the service PIN/);
    } else if (access === 'staff-at-kiosk') {
      expect(refusal(name, 'kiosk', false)).toMatch(/needs the service PIN in kiosk mode/);
      expect(refusal(name, 'till', false)).toBeUndefined();
    } else {
      expect(refusal(name, 'till', false)).toBeUndefined();
      expect(refusal(name, 'kiosk', false)).toBeUndefined();
    }
  });
});
