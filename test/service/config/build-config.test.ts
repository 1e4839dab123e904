import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfigText, parseConfigText } from '../../../electron/service/config/config.js';

describe('the shipped default configuration', () => {
  const shipped = readFileSync(join(import.meta.dirname, '..', '..', '..', 'build', 'config.toml'), 'utf8');

  it('is the documented example, byte for byte', () => {
    expect(shipped).toBe(defaultConfigText());
  });

  it('loads through the app validator and means: the built-in emulator, kiosk mode', () => {
    const config = parseConfigText(shipped, 'build/config.toml');
    expect(config.mode).toBe('kiosk');
    expect(config.pinpad.emulator).toBe(true);
    expect(config.pinpad.timeout).toBe(180);
  });
});
