/** The crash hooks are given, never read from the environment on import: unarmed by default, armed only by the env a child passes. */
import { describe, expect, it } from 'vitest';
import { crashHooksFromEnv, NO_CRASHES } from '../../electron/service/crash-points.js';

describe('crash hooks', () => {
  it('an environment without KIOSK_CRASH_AT arms nothing', () => {
    let kills = 0;
    const hooks = crashHooksFromEnv({ KIOSK_CRASH_SKIP: '2' }, () => kills++);
    expect(hooks).toBe(NO_CRASHES);
    hooks.point('after-journal');
    expect(kills).toBe(0);
  });

  it('kills at the armed step only, after its skips', () => {
    const kills: string[] = [];
    const hooks = crashHooksFromEnv({ KIOSK_CRASH_AT: 'waiting', KIOSK_CRASH_SKIP: '1' }, () => kills.push('killed'));
    expect(hooks.armed('waiting')).toBe(true);
    expect(hooks.armed('after-ack')).toBe(false);
    hooks.point('after-ack');
    hooks.point('waiting');
    expect(kills).toEqual([]);
    hooks.point('waiting');
    expect(kills).toEqual(['killed']);
  });

  it('two services in one process have hooks of their own', () => {
    const kills: string[] = [];
    const first = crashHooksFromEnv({ KIOSK_CRASH_AT: 'before-send' }, () => kills.push('first'));
    const second = crashHooksFromEnv({}, () => kills.push('second'));
    second.point('before-send');
    first.point('before-send');
    expect(kills).toEqual(['first']);
  });
});
