/** The frame of every screen: title, pin-pad status, language, the status region, alerts. */
import { useEffect } from 'react';
import { Alerts } from './components/Alerts.js';
import { PinpadStatus } from './components/PinpadStatus.js';
import { StatusRegion } from './components/StatusRegion.js';
import { useActions, useApp, useT } from './context.js';
import { KioskScreen } from './screens/KioskScreen.js';
import { TillScreen } from './screens/TillScreen.js';
import { paymentRunning } from './store.js';

export function App() {
  const t = useT();
  const ready = useApp((s) => s.ready);
  const bootError = useApp((s) => s.bootError);
  const mode = useApp((s) => s.mode);
  const locale = useApp((s) => s.locale);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t('app.title');
  }, [locale, t]);
  useEffect(() => {
    document.body.classList.toggle('mode-kiosk', mode === 'kiosk');
    document.body.classList.toggle('mode-till', mode === 'till');
  }, [mode]);

  return (
    <div className={`app app--${mode}`}>
      <header className="topbar">
        <h1 className="topbar__title">{ready ? t(mode === 'kiosk' ? 'app.mode.kiosk' : 'app.mode.till') : t('app.title')}</h1>
        <PinpadStatus />
        <LanguageSwitch />
      </header>
      <StatusRegion />
      <Alerts />
      <main className="main">
        {ready ? (
          mode === 'kiosk' ? (
            <KioskScreen />
          ) : (
            <TillScreen />
          )
        ) : bootError ? (
          <div role="alert" className="alert alert--error">
            <p className="alert__text">{t('app.bootFailed')}</p>
            <p className="alert__detail">{bootError.code === 'bridge-refused' ? t('app.noApi') : t.error(bootError)}</p>
          </div>
        ) : (
          <p className="loading">{t('app.loading')}</p>
        )}
      </main>
      {ready && mode === 'kiosk' ? <KioskFooter /> : null}
    </div>
  );
}

function LanguageSwitch() {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const { setLocale } = useActions();
  const next = locale === 'ru' ? 'en' : 'ru';
  return (
    <button type="button" className="button button--secondary lang" lang={next} onClick={() => setLocale(next)}>
      {t('lang.switch')}
    </button>
  );
}

/** Staff reach the service screen through a visible button and the PIN — no hidden tap tricks. */
function KioskFooter() {
  const t = useT();
  const view = useApp((s) => s.view);
  const running = useApp(paymentRunning);
  const { setView } = useActions();
  if (view === 'service' || running) return null;
  return (
    <footer className="footer">
      <button type="button" className="button button--quiet" onClick={() => setView('service')}>
        {t('action.service')}
      </button>
    </footer>
  );
}
