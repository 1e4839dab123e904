/** A CI-sized sample of the hostile-input fuzzer (`npm run fuzz` runs at least 10⁵ inputs). */
import { describe, expect, it } from 'vitest';
import { runHostileFuzz } from './hostile.js';

describe('hostile input sample', () => {
  it('random HTTP request lines and bridge frames all get answers; then a card payment is approved in the same process', async () => {
    const pid = process.pid;
    const report = await runHostileFuzz({ httpRuns: 300, frameRuns: 3000 });
    expect(report.httpRequests).toBe(300);
    expect(report.frames).toBe(3000);
    expect(report.unhandled).toBe(0);
    expect(report.pid).toBe(pid);
    expect(report.statuses['500']).toBeUndefined();
    expect(report.replies['result:internal']).toBeUndefined();
    expect(report.paymentState).toBe('APPROVED');
  }, 240_000);
});
