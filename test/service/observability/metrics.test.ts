import net from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { PinpadHealth } from '../../../electron/contract/types.js';
import { Journal } from '../../../electron/service/journal/journal.js';
import { KioskMetrics } from '../../../electron/service/observability/metrics.js';
import { startMetricsServer, type MetricsServer } from '../../../electron/service/observability/metrics-server.js';
import { useServiceRigs, type ServiceRig } from '../rig.js';

const { rig: makeRig, tempDir } = useServiceRigs();
const servers: MetricsServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** The value of one sample in Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const m of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[m[1]!] = m[2]!;
    if (Object.entries(labels).every(([k, v]) => found[k] === v) && Object.keys(found).length === Object.keys(labels).length) return Number(match[3]);
  }
  return undefined;
}

function metricsOf(rig: ServiceRig, health: Partial<PinpadHealth> = {}): KioskMetrics {
  return new KioskMetrics({
    journal: rig.journal,
    health: () => ({
      state: 'connected',
      emulator: true,
      target: 'memory',
      terminalId: '00322346',
      model: undefined,
      problem: undefined,
      since: new Date().toISOString(),
      ...health,
    }),
    unresolvedCount: () => rig.service.listUnresolved().length,
    info: { version: '9.9.9', mode: 'till', profile: 'default', terminalId: () => '00322346' },
  });
}

describe('metrics from the journal', () => {
  it('counts payments, amounts, refunds, unknown outcomes and their recovery; a restart starts from the journal, not from zero', async () => {
    const path = `${tempDir()}/journal.sqlite`;
    const rig = makeRig({ journalPath: path });
    const r = rig.service.openReceipt({ lines: [], total: 100_000 });
    const card = await rig.pay(r.id, 'card', 30_000);
    await rig.pay(r.id, 'sbp', 20_000);
    await rig.pay(r.id, 'card', 10_051); // declined (…51 kopecks)
    rig.faults.loseResponse = true;
    rig.faults.always = true;
    const lost = await rig.pay(r.id, 'card', 5_000);
    rig.faults.loseResponse = false;
    rig.faults.always = false;
    expect(lost.state).toBe('UNKNOWN');

    const before = await metricsOf(rig).text();
    expect(sample(before, 'kiosk_payments_total', { method: 'card', outcome: 'approved' })).toBe(1);
    expect(sample(before, 'kiosk_payments_total', { method: 'sbp', outcome: 'approved' })).toBe(1);
    expect(sample(before, 'kiosk_payments_total', { method: 'card', outcome: 'declined' })).toBe(1);
    expect(sample(before, 'kiosk_payments_total', { method: 'card', outcome: 'unknown' })).toBe(1);
    expect(sample(before, 'kiosk_payments_total', { method: 'cash', outcome: 'approved' })).toBe(0);
    expect(sample(before, 'kiosk_payment_amount_kopecks_total', { method: 'card' })).toBe(30_000);
    expect(sample(before, 'kiosk_unresolved_parts')).toBe(1);
    expect(sample(before, 'kiosk_pinpad_connected')).toBe(1);
    expect(sample(before, 'kiosk_info', { version: '9.9.9', terminal_id: '00322346', mode: 'till', profile: 'default' })).toBe(1);
    expect(sample(before, 'kiosk_reconciliation_matched', { business_day: '2026-03-10' })).toBeUndefined();
    expect(before).toContain('process_cpu_user_seconds_total');

    const metrics = metricsOf(rig, { state: 'reconnecting' });
    const [recovered] = await rig.service.recover(lost.id);
    expect(recovered!.state).toBe('APPROVED');
    await rig.service.refund(r.id, [{ paymentId: card.id, amount: 10_000 }]);
    await rig.service.settle();
    const after = await metrics.text();
    expect(sample(after, 'kiosk_payments_total', { method: 'card', outcome: 'approved' })).toBe(2);
    // A counter never goes down: the unknown outcome stays counted as one that happened.
    expect(sample(after, 'kiosk_payments_total', { method: 'card', outcome: 'unknown' })).toBe(1);
    expect(sample(after, 'kiosk_payment_amount_kopecks_total', { method: 'card' })).toBe(35_000);
    expect(sample(after, 'kiosk_refunds_total', { how: 'void', outcome: 'approved' })).toBe(1);
    expect(sample(after, 'kiosk_recovery_seconds_count')).toBe(1);
    expect(sample(after, 'kiosk_unresolved_parts')).toBe(0);
    expect(sample(after, 'kiosk_pinpad_connected')).toBe(0);
    // Away now: last seen when it last answered (the refund and the settlement ran on the rig's clock, 2026-03-10 12:00 local).
    expect(sample(after, 'kiosk_pinpad_last_seen_timestamp_seconds')).toBe(Math.floor(rig.clock.now().getTime() / 1000));
    expect(sample(after, 'kiosk_reconciliation_matched', { business_day: '2026-03-10' })).toBe(1);

    // Another process on the same journal file starts where this one is.
    const reopened = new Journal(path);
    try {
      const restarted = await new KioskMetrics({
        journal: reopened,
        // Started while the pin pad is not there yet.
        health: () => ({ state: 'connecting', emulator: true, target: 'memory', terminalId: undefined, model: undefined, problem: undefined, since: '' }),
        unresolvedCount: () => 0,
        info: { version: '9.9.9', mode: 'till', profile: 'default', terminalId: () => '' },
      }).text();
      for (const [name, labels] of [
        ['kiosk_payments_total', { method: 'card', outcome: 'approved' }],
        ['kiosk_payments_total', { method: 'card', outcome: 'unknown' }],
        ['kiosk_payment_amount_kopecks_total', { method: 'card' }],
        ['kiosk_refunds_total', { how: 'void', outcome: 'approved' }],
        ['kiosk_recovery_seconds_count', {}],
        ['kiosk_pinpad_last_seen_timestamp_seconds', {}],
        ['kiosk_reconciliation_matched', { business_day: '2026-03-10' }],
      ] as const) {
        expect(sample(restarted, name, labels), name).toBe(sample(after, name, labels));
      }
    } finally {
      reopened.close();
    }
  });
});

async function get(server: MetricsServer, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`http://${server.address}${path}`, init);
}

/** Sends raw bytes and returns what comes back before the server closes (or 2 s of silence). */
function raw(server: MetricsServer, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let out = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('close', () => resolve(out));
    socket.on('error', () => undefined);
    socket.end(bytes);
  });
}

describe('the /metrics endpoint on hostile input', () => {
  const render = async (): Promise<{ text: string; contentType: string }> => ({
    text: 'kiosk_up 1\n',
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
  });

  it('paths, methods and tokens get clear status codes; the right token gets the metrics', async () => {
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, token: 'scrape-token-0123456789abcdef', render });
    servers.push(server);
    expect((await get(server, '/metrics')).status).toBe(401);
    expect((await get(server, '/metrics')).headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await get(server, '/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status).toBe(403);
    expect((await get(server, '/metrics', { headers: { authorization: 'Basic dXNlcjpwYXNz' } })).status).toBe(403);
    const ok = await get(server, '/metrics?debug=1', { headers: { authorization: 'Bearer scrape-token-0123456789abcdef' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('version=0.0.4');
    expect(await ok.text()).toBe('kiosk_up 1\n');
    expect((await get(server, '/')).status).toBe(404);
    expect((await get(server, '/metrics/../admin')).status).toBe(404);
    const post = await get(server, '/metrics', { method: 'POST', body: 'x'.repeat(10_000) });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await get(server, `/${'a'.repeat(5000)}`)).status).toBe(414);
  });

  it('survives any request line and junk bytes, and still serves', async () => {
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, render });
    servers.push(server);
    expect(await raw(server, 'GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(server, Buffer.from([0x00, 0xff, 0x02, 0x0d, 0x0a, 0x0d, 0x0a]))).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(server, 'GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS', 'BREW', ''), async (target, method) => {
        const answer = await raw(server, `${method} ${target} HTTP/1.1\r\nHost: kiosk\r\nConnection: close\r\n\r\n`);
        expect(answer).toMatch(/^HTTP\/1\.1 (200|400|404|405|414) /);
      }),
      { numRuns: 60 },
    );
    const after = await get(server, '/metrics');
    expect(after.status).toBe(200);
    expect(await after.text()).toBe('kiosk_up 1\n');
  });

  it('a renderer that fails gives 500 for that request only', async () => {
    let fail = true;
    const server = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      render: async () => {
        if (fail) throw new Error('journal busy');
        return render();
      },
    });
    servers.push(server);
    expect((await get(server, '/metrics')).status).toBe(500);
    fail = false;
    expect((await get(server, '/metrics')).status).toBe(200);
  });
});
