/** Boot: choose the way to the service, make the store, bind events, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectWithRetry, chooseConnection, pageOptions } from './api.js';
import { takeToken } from './page-token.js';
import { App } from './App.js';
import { StoreProvider } from './context.js';
import { bindEvents, createAppStore, toUiError, type AppStore } from './store.js';
import './styles.css';

// The token leaves the address bar (and the history) as soon as it is read.
const options = { ...pageOptions(window.location.hash), token: takeToken(window) };
// The bridge reports its connection from the start; the store exists right after.
const holder: { store?: AppStore } = {};
let retrying = false;
const connection = chooseConnection(window, options, (up) => {
  holder.store?.getState().setBridge(up);
  // The client retries once by itself; when the service stays away longer, keep trying.
  if (!up && !retrying && connection.kind === 'bridge') {
    retrying = true;
    void connectWithRetry(connection.api, () => undefined).finally(() => {
      retrying = false;
    });
  }
});

const appStore = createAppStore({
  api: connection.api,
  bridged: connection.kind === 'bridge',
  ...(options.idleSeconds ? { idleMs: options.idleSeconds * 1000 } : {}),
  ...(options.doneSeconds ? { doneMs: options.doneSeconds * 1000 } : {}),
  ...(options.askSeconds ? { askMs: options.askSeconds * 1000 } : {}),
});
holder.store = appStore;
bindEvents(appStore, connection.api);

// A reload must not lose an open receipt (a partly paid one, or one waiting for a check):
// its id is kept for this window's session and shown again after the reload.
const RECEIPT_KEY = 'inpas-kiosk:receipt';
appStore.subscribe((s, before) => {
  if (s.receipt === before.receipt) return;
  if (s.receipt && s.receipt.state === 'open') sessionStorage.setItem(RECEIPT_KEY, s.receipt.id);
  else sessionStorage.removeItem(RECEIPT_KEY);
});

async function start(): Promise<void> {
  if (connection.kind === 'bridge') {
    await connectWithRetry(connection.api, (error) => appStore.setState({ bootError: toUiError(error) }));
  }
  await appStore.getState().init();
  if (!appStore.getState().ready) return;
  const receiptId = options.receiptId ?? sessionStorage.getItem(RECEIPT_KEY) ?? undefined;
  if (receiptId) await appStore.getState().loadReceipt(receiptId, { onlyOpen: options.receiptId === undefined });
}
void start();

// Any touch or key is activity (the kiosk's idle timeout); the clock ticks once a second.
const touch = (): void => appStore.getState().touch();
window.addEventListener('pointerdown', touch, { capture: true, passive: true });
window.addEventListener('keydown', touch, { capture: true, passive: true });
setInterval(() => appStore.getState().tick(), 1000);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={appStore}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
