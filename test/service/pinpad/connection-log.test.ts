/** The pin pad's connection log: one line per change, a periodic summary while it stays away. */
import { describe, expect, it } from 'vitest';
import { ConnectionLog } from '../../../electron/service/pinpad/connection.js';

describe('connection log', () => {
  it('an unplugged pin pad retried every second for 9 minutes writes a handful of lines, not 540', () => {
    let clock = 0;
    const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
    const log = new ConnectionLog({ write: (level, fields, message) => lines.push({ level, fields, message }), now: () => clock, summaryMs: 60_000 });
    log.note({ state: 'connected', problem: undefined, target: '/dev/ttyACM0' });
    for (let s = 0; s < 540; s++) {
      clock += 1000;
      log.note({ state: 'reconnecting', problem: '/dev/ttyACM0 does not exist', target: '/dev/ttyACM0' });
    }
    clock += 1000;
    log.note({ state: 'connected', problem: undefined, target: '/dev/ttyACM0' });

    const changes = lines.filter((l) => l.message === 'pin pad connection');
    expect(changes.map((l) => l.fields.pinpad)).toEqual(['connected', 'reconnecting', 'connected']);
    expect(changes[1]!.level).toBe('warn');
    const summaries = lines.filter((l) => l.message === 'pin pad connection unchanged');
    // One a minute while away, and the rest said when it changed back.
    expect(summaries.length).toBeGreaterThanOrEqual(8);
    expect(summaries.length).toBeLessThanOrEqual(10);
    expect(summaries.reduce((sum, l) => sum + (l.fields.attempts as number), 0)).toBe(539);
    expect(lines.length).toBeLessThan(15);
  });

  it('a new problem while away is a change, said at once', () => {
    let clock = 0;
    const lines: string[] = [];
    const log = new ConnectionLog({ write: (_level, fields) => lines.push(`${String(fields.pinpad)}:${String(fields.problem)}`), now: () => clock });
    log.note({ state: 'reconnecting', problem: 'a', target: 't' });
    clock += 1000;
    log.note({ state: 'reconnecting', problem: 'b', target: 't' });
    expect(lines).toEqual(['reconnecting:a', 'reconnecting:b']);
  });
});
