/** The Python POS core example (examples/pos-core.py) against browser mode: a lost answer and a retry with the same key charge once. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebMode, type WebMode } from '../../scripts/web.js';
import { TOKEN } from './rig.js';

const run = promisify(execFile);
let web: WebMode | undefined;
let dir: string | undefined;
afterEach(async () => {
  await web?.stop();
  web = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('examples/pos-core.py', () => {
  it('pays part of a receipt, loses the answer, retries with the same key: one charge, the same paymentId', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiosk-pos-core-'));
    web = await startWebMode({ port: 0, dataDir: dir, token: TOKEN, emulatorArgs: ['--fast'], responseTimeoutSeconds: 5 });
    const { stdout } = await run('python3', [fileURLToPath(new URL('../../examples/pos-core.py', import.meta.url)), '--url', web.bridge.wsUrl, '--token', TOKEN], {
      timeout: 60_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, stdout).toBeDefined();
    const result = JSON.parse(line!.slice('RESULT '.length)) as { paymentIds: string[]; state: string; paid: number; remaining: number; paymentParts: number };
    expect(result).toMatchObject({ state: 'APPROVED', paid: 10_000, remaining: 20_000, paymentParts: 1 });
    expect(result.paymentIds[0]).toBe(result.paymentIds[1]);
    const charges = web.app.emulator!.bank.ledger.charges;
    expect(charges).toHaveLength(1);
    expect(charges[0]!.amount).toBe(10_000);
  });
});
