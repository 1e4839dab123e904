/**
 * Fleet monitoring against the real thing: Debian's `promtool` checks the shipped rules and
 * scrape configuration, and a real `prometheus` (loopback only, temporary storage, 1 s scrape
 * interval) scrapes a kiosk in browser mode while the test pays twice and unplugs the pin pad.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Receipt } from '../../../electron/service/journal/part-lifecycle.js';
import { startRig, type Rig } from '../../bridge/rig.js';

const FLEET = resolve(fileURLToPath(new URL('../../../docs/fleet', import.meta.url)));
const DOC = resolve(FLEET, '..', 'fleet.md');
const TOKEN = 'fleet-scrape-token-0123456789abcdef';
/** Long enough for a loaded machine; nothing here measures time. */
const WAIT_MS = 60_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-fleet-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function promtool(args: string[], cwd: string): { status: number | null; out: string } {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Stops the process: SIGTERM, then SIGKILL if it lingers. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

describe('the rules and scrape configuration of docs/fleet', () => {
  it('promtool checks the rules, runs their unit tests, and accepts the scrape configuration', () => {
    const rules = promtool(['check', 'rules', 'kiosk-rules.yml'], FLEET);
    expect(rules.out).toMatch(/SUCCESS: 5 rules found/);
    expect(rules.status).toBe(0);
    const unit = promtool(['test', 'rules', 'kiosk-rules.test.yml'], FLEET);
    expect(unit.out).toMatch(/SUCCESS/);
    expect(unit.status).toBe(0);
    // The shipped configuration names the token file of a real server; here it lives in a temp folder.
    const dir = tempDir();
    writeFileSync(join(dir, 'kiosk-token'), `${TOKEN}\n`);
    copyFileSync(join(FLEET, 'kiosk-rules.yml'), join(dir, 'kiosk-rules.yml'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      readFileSync(join(FLEET, 'prometheus.yml'), 'utf8').replace('/etc/prometheus/kiosk-token', join(dir, 'kiosk-token')),
    );
    const config = promtool(['check', 'config', 'prometheus.yml'], dir);
    expect(config.out).toMatch(/is valid prometheus config file syntax/);
    expect(config.status).toBe(0);
    // The guide shows exactly the files that are checked.
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).toContain(readFileSync(join(FLEET, 'kiosk-rules.yml'), 'utf8').trim());
    expect(doc).toContain(readFileSync(join(FLEET, 'prometheus.yml'), 'utf8').trim());
  });

  it('a real Prometheus scrapes a kiosk in browser mode: two card payments, then the pin pad unplugged', async () => {
    const dir = tempDir();
    const metricsPort = await freePort();
    const configPath = join(dir, 'kiosk.toml');
    writeFileSync(configPath, `[metrics]\nlisten = "127.0.0.1:${metricsPort}"\ntoken = "${TOKEN}"\n`);
    const rig: Rig = await startRig({ configPath });
    cleanups.push(() => rig.stop());
    expect(rig.web.app.metrics?.address).toBe(`127.0.0.1:${metricsPort}`);

    const promPort = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: kiosk',
        '    authorization:',
        `      credentials: "${TOKEN}"`,
        '    static_configs:',
        `      - targets: ["127.0.0.1:${metricsPort}"]`,
        '',
      ].join('\n'),
    );
    let log = '';
    const prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    prometheus.stderr!.on('data', (d: Buffer) => (log = `${log}${d.toString()}`.slice(-20_000)));
    cleanups.push(() => kill(prometheus));
    const api = `http://127.0.0.1:${promPort}`;
    await eventually(async () => ((await fetch(`${api}/-/ready`)).ok ? true : undefined), `Prometheus ready (log: ${log})`);

    /** The one value of an instant query, once Prometheus has it. */
    const value = async (query: string): Promise<number | undefined> => {
      const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = (await res.json()) as { status: string; data: { result: Array<{ value: [number, string] }> } };
      expect(body.status).toBe('success');
      const [first] = body.data.result;
      return first ? Number(first.value[1]) : undefined;
    };
    const until = (query: string, want: number): Promise<true> =>
      eventually(async () => ((await value(query)) === want ? true : undefined), `${query} == ${want}`);

    // The target is up (the bearer token is accepted) and the pin pad is connected.
    await until('up{job="kiosk"}', 1);
    await until('kiosk_pinpad_connected{job="kiosk"}', 1);
    expect(await value('kiosk_payments_total{method="card",outcome="approved"}')).toBe(0);

    for (const amount of [12_300, 4_500]) {
      const receipt: Receipt = await rig.client.invoke('receipt.open', { lines: [{ name: 'Товар', quantity: 1, amount }], total: amount });
      const { paymentId } = await rig.client.invoke('payment.start', { receiptId: receipt.id, method: 'card', amount });
      const done = await rig.waitFor('payment', (e) => e.paymentId === paymentId && e.phase === 'done', WAIT_MS);
      expect(done.part?.state).toBe('APPROVED');
    }
    await until('kiosk_payments_total{job="kiosk",method="card",outcome="approved"}', 2);
    expect(await value('kiosk_payment_amount_kopecks_total{method="card"}')).toBe(16_800);
    expect(await value('kiosk_info{job="kiosk",mode="kiosk",profile="default"}')).toBe(1);

    await rig.web.app.emulator!.unplug();
    await until('kiosk_pinpad_connected{job="kiosk"}', 0);
    // Scrapes go on while the pin pad is away: the kiosk itself is up.
    expect(await value('up{job="kiosk"}')).toBe(1);
    expect(log).not.toMatch(/level=error/);
  });
});
