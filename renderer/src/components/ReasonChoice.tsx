/**
 * A reason chosen by touch from a short list, with a text of one's own only when "Другое"
 * is chosen (the on-screen keyboard types it on a kiosk). The value is the reason's text in
 * the screen's language, as the audit trail keeps it.
 */
import { useId } from 'react';
import { useT } from '../context.js';
import type { TextKey } from '../i18n.js';
import { ScreenKeyboard } from './ScreenKeyboard.js';

export type ReasonKey = 'reason.checkedReport' | 'reason.checkedBank' | 'reason.customerSlip' | 'reason.noPaymentInApp' | 'reason.other';

export interface ReasonState {
  readonly choice: ReasonKey | undefined;
  readonly other: string;
}

export const NO_REASON: ReasonState = { choice: undefined, other: '' };

/** The reason as text, or undefined while none (or too short a text of one's own) is given. */
export function reasonText(t: (key: TextKey) => string, state: ReasonState): string | undefined {
  if (!state.choice) return undefined;
  if (state.choice !== 'reason.other') return t(state.choice);
  const own = state.other.trim();
  return own.length >= 3 ? own : undefined;
}

export function ReasonChoice({ reasons, state, onChange, error }: { reasons: readonly ReasonKey[]; state: ReasonState; onChange: (next: ReasonState) => void; error?: string | undefined }) {
  const t = useT();
  const id = useId();
  return (
    <fieldset className="reasons" aria-describedby={error ? `${id}-err` : undefined}>
      <legend>{t('reason.label')}</legend>
      {[...reasons, 'reason.other' as const].map((key) => (
        <p key={key} className="check">
          <input id={`${id}-${key}`} type="radio" name={`${id}-reason`} checked={state.choice === key} onChange={() => onChange({ ...state, choice: key })} />
          <label htmlFor={`${id}-${key}`}>{t(key)}</label>
        </p>
      ))}
      {state.choice === 'reason.other' ? (
        <p className="field">
          <label htmlFor={`${id}-other`}>{t('reason.otherText')}</label>
          <input id={`${id}-other`} value={state.other} maxLength={200} autoComplete="off" onChange={(e) => onChange({ ...state, other: e.target.value })} />
          <ScreenKeyboard value={state.other} onChange={(other) => onChange({ ...state, other })} label={t('reason.otherText')} />
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-err`} className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
