/**
 * An on-screen keyboard for a touch-only kiosk: Russian, English and digits, for the few
 * fields where staff really have to type (an RRN, a receipt number, a reason of their own).
 * It edits the value of the field it belongs to; the field stays a real input (a till has a
 * keyboard and types into it directly).
 */
import { useState } from 'react';
import { useApp, useT } from '../context.js';

export type KeyboardLayout = 'ru' | 'en' | 'digits';

const ROWS: Readonly<Record<KeyboardLayout, readonly string[]>> = {
  ru: ['йцукенгшщзх', 'фывапролджэ', 'ячсмитьбю.№'],
  en: ['qwertyuiop', 'asdfghjkl', 'zxcvbnm.-#'],
  digits: ['123', '456', '789', '0'],
};

/** Shown on a kiosk only (a till has a real keyboard); `layouts` in the order offered. */
export function ScreenKeyboard({
  value,
  onChange,
  layouts = ['ru', 'en', 'digits'],
  maxLength = 200,
  label,
}: {
  value: string;
  onChange: (next: string) => void;
  layouts?: readonly KeyboardLayout[];
  maxLength?: number;
  label: string;
}) {
  const t = useT();
  const kiosk = useApp((s) => s.mode === 'kiosk');
  const [layout, setLayout] = useState<KeyboardLayout>(layouts[0] ?? 'digits');
  if (!kiosk) return null;
  const type = (text: string) => onChange((value + text).slice(0, maxLength));
  return (
    <div className={`kbd kbd--${layout}`} role="group" aria-label={`${t('kbd.label')}: ${label}`}>
      {ROWS[layout].map((row) => (
        <div key={row} className="kbd__row">
          {[...row].map((key) => (
            <button key={key} type="button" className="button kbd__key" onClick={() => type(key)}>
              {key}
            </button>
          ))}
        </div>
      ))}
      <div className="kbd__row">
        {layouts.length > 1
          ? layouts.map((l) => (
              <button key={l} type="button" className="button button--secondary kbd__key" aria-pressed={l === layout} onClick={() => setLayout(l)}>
                {t(`kbd.layout.${l}`)}
              </button>
            ))
          : null}
        {layout !== 'digits' ? (
          <button type="button" className="button kbd__key kbd__space" onClick={() => type(' ')}>
            {t('kbd.space')}
          </button>
        ) : null}
        <button type="button" className="button kbd__key" aria-label={t('kbd.backspace')} onClick={() => onChange(value.slice(0, -1))}>
          ⌫
        </button>
      </div>
    </div>
  );
}
