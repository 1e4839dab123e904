/** The one error model: the code table, texts for every code, and errors rebuilt as their class across a boundary. */
import { describe, expect, it } from 'vitest';
import {
  ALL_ERROR_CODES,
  BRIDGE_ERROR_CODES,
  CONFIG_ERROR_CODES,
  ConfigError,
  ERROR_ALIASES,
  ERROR_TABLE,
  KioskError,
  canonicalCode,
  SERVICE_ERROR_CODES,
  ServiceError,
  errorFromWire,
  parseWireError,
  toWireError,
} from '../../electron/contract/errors.js';
import { ERROR_CODES as PINPAD_ERROR_CODES, PinpadError } from '../../native/inpas/errors.js';
import { ERROR_CODES_COVERED, errorText } from '../../renderer/src/i18n.js';

describe('the error-code table', () => {
  it('holds every layer once: pin pad, service, configuration and bridge codes, none in two layers, no two names for one thing', () => {
    const pinpadOwn = PINPAD_ERROR_CODES.filter((code) => !Object.hasOwn(ERROR_ALIASES, code));
    const all = [...pinpadOwn, ...SERVICE_ERROR_CODES, ...CONFIG_ERROR_CODES, ...BRIDGE_ERROR_CODES];
    expect(new Set(all).size).toBe(all.length);
    expect([...ALL_ERROR_CODES].sort()).toEqual([...all].sort());
    for (const code of pinpadOwn) expect(ERROR_TABLE[code as keyof typeof ERROR_TABLE].layer).toBe('pinpad');
    // The driver's synonyms are not codes of the table: each stands for one that is.
    expect(Object.keys(ERROR_ALIASES).sort()).toEqual(['busy', 'config', 'link']);
    for (const [alias, code] of Object.entries(ERROR_ALIASES)) {
      expect(ALL_ERROR_CODES).not.toContain(alias);
      expect(ALL_ERROR_CODES).toContain(code);
      expect(canonicalCode(alias)).toBe(code);
    }
    for (const code of SERVICE_ERROR_CODES) expect(ERROR_TABLE[code].layer).toBe('service');
    for (const code of CONFIG_ERROR_CODES) expect(ERROR_TABLE[code].layer).toBe('config');
    for (const code of BRIDGE_ERROR_CODES) expect(ERROR_TABLE[code].layer).toBe('bridge');
  });

  it('has a customer and a cashier text in Russian and English for every code', () => {
    expect([...ERROR_CODES_COVERED].sort()).toEqual([...ALL_ERROR_CODES].sort());
    const internal = { ru: errorText('ru', 'internal', 'cashier'), en: errorText('en', 'internal', 'cashier') };
    for (const code of ALL_ERROR_CODES) {
      for (const locale of ['ru', 'en'] as const) {
        for (const audience of ['customer', 'cashier'] as const) expect(errorText(locale, code, audience).trim()).not.toBe('');
        if (code !== 'internal') expect(errorText(locale, code, 'cashier')).not.toBe(internal[locale]);
      }
    }
    expect(errorText('en', 'no-such-code', 'cashier')).toBe(internal.en);
  });
});

describe('errors across a boundary', () => {
  const roundTrip = (error: unknown): unknown => errorFromWire(parseWireError(JSON.parse(JSON.stringify(toWireError(error)))));

  it('rebuilds a service error as a ServiceError with its code, message and data', () => {
    const back = roundTrip(new ServiceError('sbp-partial-same-day', 'not today', { paymentId: 'P1' }));
    expect(back).toBeInstanceOf(ServiceError);
    expect(back).toMatchObject({ code: 'sbp-partial-same-day', message: 'not today', data: { paymentId: 'P1' } });
  });

  it('rebuilds a pin-pad error as a PinpadError', () => {
    const back = roundTrip(new PinpadError('timeout', 'no answer', { data: { operation: 'sale' } }));
    expect(back).toBeInstanceOf(PinpadError);
    expect(back).toMatchObject({ code: 'timeout', message: 'no answer', data: { operation: 'sale' } });
  });

  it("a pin-pad error under one of the driver's synonyms crosses with the contract's code; a 1.0 service's alias is read the same", () => {
    expect(toWireError(new PinpadError('busy', 'busy with a sale'))).toEqual({ code: 'pinpad-busy', message: 'busy with a sale' });
    expect(toWireError(new PinpadError('link', '/dev/ttyS39 is not open', { data: { port: '/dev/ttyS39' } }))).toEqual({
      code: 'pinpad-offline',
      message: '/dev/ttyS39 is not open',
      data: { port: '/dev/ttyS39' },
    });
    expect(roundTrip(new PinpadError('config', 'terminal id'))).toBeInstanceOf(ConfigError);
    expect(parseWireError({ code: 'link', message: 'old service' })).toEqual({ code: 'pinpad-offline', message: 'old service' });
    expect(errorFromWire(parseWireError({ code: 'busy', message: 'old service' }))).toMatchObject({ code: 'pinpad-busy' });
    expect(errorText('ru', 'link', 'cashier')).toBe(errorText('ru', 'pinpad-offline', 'cashier'));
  });

  it('rebuilds a configuration error as a ConfigError, not a PinpadError', () => {
    const back = roundTrip(new ConfigError('config.toml: pinpad.baudrate: unknown key', { data: { keys: ['pinpad.baudrate'] } }));
    expect(back).toBeInstanceOf(ConfigError);
    expect(back).not.toBeInstanceOf(PinpadError);
    expect(back).toMatchObject({ code: 'config-invalid', data: { keys: ['pinpad.baudrate'] } });
  });

  it('rebuilds a bridge code as a KioskError', () => {
    const back = roundTrip(new KioskError('bridge-closed', 'lost'));
    expect(back).toBeInstanceOf(KioskError);
    expect(back).not.toBeInstanceOf(ServiceError);
    expect(back).toMatchObject({ code: 'bridge-closed', message: 'lost' });
  });

  it('turns anything else into internal, keeping an unknown code in the data', () => {
    expect(toWireError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(toWireError({ code: 'forbidden', message: 'a look-alike is not one of ours' })).toMatchObject({ code: 'internal' });
    expect(parseWireError('garbage')).toEqual({ code: 'internal', message: 'garbage' });
    expect(parseWireError({ message: 'no code' })).toEqual({ code: 'internal', message: 'no code' });
    const back = errorFromWire({ code: 'from-a-newer-service', message: 'what' });
    expect(back).toMatchObject({ code: 'internal', message: 'what', data: { code: 'from-a-newer-service' } });
  });
});
