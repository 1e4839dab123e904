/** The demo goods and the cart: something to pay for when no POS core opens the receipt. */
import { useId, useState, type FormEvent } from 'react';
import { useActions, useApp, useT } from '../context.js';
import { DEMO_CATALOGUE } from '../demo-catalogue.js';
import { parseRoubles } from '../money.js';
import { appClosing, cartTotal } from '../store.js';

export function Catalogue({ onProceed, proceedLabel, allowFree = false }: { onProceed: () => void; proceedLabel: string; allowFree?: boolean }) {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const cart = useApp((s) => s.cart);
  const opening = useApp((s) => s.opening);
  const ready = useApp((s) => s.ready && s.bridgeUp);
  // A kiosk takes money only through the pin pad: no checkout while it is away (a till still has cash).
  const pinpadAway = useApp((s) => s.mode === 'kiosk' && s.health !== undefined && s.health.state !== 'connected');
  const closing = useApp(appClosing);
  const till = useApp((s) => s.mode === 'till');
  const { addToCart, removeFromCart } = useActions();
  const total = cartTotal(cart);
  return (
    <div className="shop">
      <section className="goods" aria-labelledby="goods-title">
        <h2 id="goods-title">{t('cart.title')}</h2>
        <ul className="goods__grid">
          {DEMO_CATALOGUE.map((item) => (
            <li key={item.id}>
              <button type="button" className="tile" onClick={() => addToCart(item.id)}>
                <span className="sr-only">{t('cart.add')} </span>
                <span className="tile__name">{item.name[locale]}</span>
                <span className="tile__price num">{t.money(item.price)}</span>
              </button>
            </li>
          ))}
        </ul>
        {allowFree ? <FreeAmount /> : null}
      </section>
      <section className="cart" aria-labelledby="cart-title">
        <h2 id="cart-title">{t(till ? 'cart.tillTitle' : 'cart.yourCart')}</h2>
        {cart.length === 0 ? (
          <p className="muted">{t('cart.empty')}</p>
        ) : (
          <ul className="cart__lines">
            {cart.map((line) => (
              <li key={line.id}>
                <span className="cart__name">{line.name[locale]}</span>
                <span className="cart__qty">{t('cart.quantity', { count: line.quantity })}</span>
                <span className="num">{t.money(line.price * line.quantity)}</span>
                <button type="button" className="button button--small button--secondary" aria-label={t('cart.remove', { name: line.name[locale] })} onClick={() => removeFromCart(line.id)}>
                  −
                </button>
              </li>
            ))}
          </ul>
        )}
        <p className="cart__total">
          <span>{t('cart.total')}</span> <span className="num">{t.money(total)}</span>
        </p>
        <button type="button" className="button button--primary button--wide" disabled={cart.length === 0 || opening || !ready || pinpadAway || closing} onClick={onProceed}>
          {opening ? t('cart.opening') : proceedLabel}
        </button>
      </section>
    </div>
  );
}

/** Till only: a line with a typed amount, for trying split payments with round numbers. */
function FreeAmount() {
  const t = useT();
  const { addFreeAmount } = useActions();
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const kopecks = parseRoubles(text);
    if (kopecks === undefined || kopecks <= 0) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    addFreeAmount(kopecks);
    setText('');
  };
  return (
    <form className="free" onSubmit={submit}>
      <label htmlFor={id}>{t('cart.freeAmount')}</label>
      <input id={id} inputMode="decimal" autoComplete="off" value={text} aria-invalid={invalid} aria-describedby={invalid ? `${id}-err` : undefined} onChange={(e) => setText(e.target.value)} />
      <button type="submit" className="button button--secondary">
        {t('cart.addFree')}
      </button>
      {invalid ? (
        <p id={`${id}-err`} className="field-error">
          {t('till.amountInvalid')}
        </p>
      ) : null}
    </form>
  );
}
