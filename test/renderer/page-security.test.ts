/**
 * The page's own part of the hardening: the bridge token leaves the address bar and the history
 * as soon as it is read (a reload still connects), and a wrong terminal id is shown as such.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { KioskApi } from '../../electron/ipc/contract.js';
import type { PinpadHealth } from '../../electron/service/connection.js';
import { takePageOptions, withoutToken } from '../../renderer/src/api.js';
import { PinpadStatus } from '../../renderer/src/components/PinpadStatus.js';
import { PinpadWarning } from '../../renderer/src/components/PinpadWarning.js';
import { StoreProvider } from '../../renderer/src/context.js';
import { createAppStore } from '../../renderer/src/store.js';

function fakeWindow(href: { pathname: string; search: string; hash: string }) {
  const storage = new Map<string, string>();
  const history: Array<{ url: string }> = [];
  const win = {
    location: { ...href },
    history: {
      state: null,
      replaceState: (_state: unknown, _title: string, url: string) => {
        history.push({ url });
        const hashAt = url.indexOf('#');
        win.location.hash = hashAt === -1 ? '' : url.slice(hashAt);
      },
    },
    sessionStorage: {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
    },
  };
  return { win, history, storage };
}

describe('the bridge token in the page address', () => {
  it('is read once, then removed from the address bar (other options stay)', () => {
    const { win, history } = fakeWindow({ pathname: '/', search: '', hash: '#token=Secr3t-Tok3n-Value&idle=30&receipt=r-1' });
    const options = takePageOptions(win as never);
    expect(options).toMatchObject({ token: 'Secr3t-Tok3n-Value', idleSeconds: 30, receiptId: 'r-1' });
    expect(history).toEqual([{ url: '/#idle=30&receipt=r-1' }]);
    expect(win.location.hash).not.toContain('token');
    // A reload (no token in the address any more) still connects within this tab.
    expect(takePageOptions(win as never).token).toBe('Secr3t-Tok3n-Value');
  });

  it('a fragment holding only the token leaves an empty fragment', () => {
    expect(withoutToken('#token=abc')).toBe('');
    expect(withoutToken('#idle=5&token=abc')).toBe('#idle=5');
  });
});

describe('a wrong terminal id on screen', () => {
  const api: KioskApi = { invoke: () => new Promise(() => undefined), on: () => () => undefined };
  const wrong: PinpadHealth = {
    state: 'wrong-terminal-id',
    emulator: false,
    target: '/dev/ttyS39',
    terminalId: '11112222',
    model: undefined,
    problem: "the pin pad's terminal id is 00322346, the configuration says 11112222",
    since: new Date(0).toISOString(),
  };

  function render(mode: 'kiosk' | 'till', component: () => unknown): string {
    const store = createAppStore({ api, log: () => undefined });
    store.setState({ health: wrong, mode, bridgeUp: true, locale: 'en' });
    // Server rendering reads the store's initial state: make that the state set above.
    Object.assign(store, { getInitialState: () => store.getState() });
    return renderToStaticMarkup(createElement(StoreProvider, { store, children: createElement(component as never) }));
  }

  it('the status line says so, the cashier gets both ids, the customer is sent to staff', () => {
    expect(render('till', PinpadStatus)).toContain('wrong terminal id');
    const till = render('till', PinpadWarning);
    expect(till).toContain('data-pinpad-problem="wrong-terminal-id"');
    expect(till).toContain('00322346');
    const kiosk = render('kiosk', PinpadWarning);
    expect(kiosk).toContain('ask a member of staff');
    expect(kiosk).not.toContain('00322346');
  });
});
