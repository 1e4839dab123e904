import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultStateDir, EcrCounter, MAX_ECR } from '../../../native/cli/ecr-counter.js';
import { PinpadError } from '../../../native/inpas/errors.js';

const COUNTER_MODULE = fileURLToPath(new URL('../../../native/cli/ecr-counter.ts', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-counter-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function counterFile(): string {
  return join(dir, 'ecr-counter');
}

function caught(fn: () => unknown): PinpadError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PinpadError);
    return error as PinpadError;
  }
  throw new Error('expected an error');
}

/** Runs `count` next() calls in a separate Node process; resolves with the numbers it got. */
function childNumbers(count: number): Promise<number[]> {
  const script = `const { EcrCounter } = await import(${JSON.stringify(COUNTER_MODULE)});
const counter = new EcrCounter({ dir: ${JSON.stringify(dir)}, lockWaitMs: 20000 });
const out = [];
for (let i = 0; i < ${count}; i++) out.push(counter.next());
process.stdout.write(JSON.stringify(out));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as number[]) : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

describe('EcrCounter', () => {
  it('hands out 1, 2, 3 in a fresh directory and keeps the last one on disk', () => {
    const counter = new EcrCounter({ dir });
    expect(counter.last()).toBeUndefined();
    expect([counter.next(), counter.next(), counter.next()]).toEqual([1, 2, 3]);
    expect(readFileSync(counterFile(), 'utf8')).toBe('3\n');
    expect(counter.last()).toBe(3);
  });

  it('leaves no lock or temp file behind', () => {
    const counter = new EcrCounter({ dir });
    counter.next();
    counter.next();
    expect(readdirSync(dir)).toEqual(['ecr-counter']);
  });

  it('continues across instances (a new run never reuses a number)', () => {
    const first = new EcrCounter({ dir });
    first.next();
    first.next();
    const second = new EcrCounter({ dir });
    expect(second.next()).toBe(3);
    expect(new EcrCounter({ dir }).next()).toBe(4);
  });

  it('creates a missing state directory', () => {
    const nested = join(dir, 'a', 'b');
    expect(new EcrCounter({ dir: nested }).next()).toBe(1);
    expect(readFileSync(join(nested, 'ecr-counter'), 'utf8')).toBe('1\n');
  });

  it('never gives the same number to two counters on one directory, interleaved 200 times', () => {
    const a = new EcrCounter({ dir });
    const b = new EcrCounter({ dir });
    const numbers: number[] = [];
    for (let i = 0; i < 100; i++) numbers.push(a.next(), b.next());
    expect(new Set(numbers).size).toBe(200);
    expect([...numbers].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('never gives the same number to concurrent processes', async () => {
    const results = await Promise.all([childNumbers(100), childNumbers(100), childNumbers(100), childNumbers(100)]);
    const all = results.flat();
    expect(all).toHaveLength(400);
    expect(new Set(all).size).toBe(400);
    expect(Math.max(...all)).toBe(400);
    // Each process sees its own numbers rise.
    for (const numbers of results) expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
    expect(readFileSync(counterFile(), 'utf8')).toBe('400\n');
  }, 60_000);

  it(`wraps from ${MAX_ECR} to 1`, () => {
    writeFileSync(counterFile(), '999998\n');
    const counter = new EcrCounter({ dir });
    expect(counter.next()).toBe(999_999);
    expect(counter.next()).toBe(1);
    expect(counter.next()).toBe(2);
  });

  it.each([
    ['garbage', 'abc\n'],
    ['an empty file', ''],
    ['a number out of range', '1000000\n'],
    ['a negative number', '-5\n'],
    ['two numbers', '12\n13\n'],
  ])('refuses %s as a config error naming the file, and does not reset it', (_label, content) => {
    writeFileSync(counterFile(), content);
    const error = caught(() => new EcrCounter({ dir }).next());
    expect(error.code).toBe('config');
    expect(error.message).toContain(counterFile());
    expect(error.message).toMatch(/corrupt/);
    expect(readFileSync(counterFile(), 'utf8')).toBe(content);
    // The lock was released: after a repair the next call works.
    writeFileSync(counterFile(), '41\n');
    expect(new EcrCounter({ dir }).next()).toBe(42);
  });

  it('tolerates whitespace around a hand-written number', () => {
    writeFileSync(counterFile(), ' 17 \n');
    expect(new EcrCounter({ dir }).next()).toBe(18);
  });

  it('reports an unusable directory as a config error naming it', () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const error = caught(() => new EcrCounter({ dir: join(file, 'state') }).next());
    expect(error.code).toBe('config');
    expect(error.message).toContain(join(file, 'state'));
  });

  it('waits for a lock held by a live process, then gives up with busy without taking a number', () => {
    writeFileSync(counterFile(), '7\n');
    writeFileSync(join(dir, 'ecr-counter.lock'), JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
    const started = Date.now();
    const error = caught(() => new EcrCounter({ dir, lockWaitMs: 150 }).next());
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(error.code).toBe('busy');
    expect(error.delivery).toBe('none');
    expect(error.message).toContain(`process ${process.pid}`);
    expect(readFileSync(counterFile(), 'utf8')).toBe('7\n');
    expect(existsSync(join(dir, 'ecr-counter.lock'))).toBe(true);
  });

  it('breaks a lock older than 30 s', () => {
    writeFileSync(counterFile(), '7\n');
    const lock = join(dir, 'ecr-counter.lock');
    writeFileSync(lock, JSON.stringify({ pid: 1, host: 'another-host', at: '2020-01-01T00:00:00Z' }));
    const old = new Date(Date.now() - 31_000);
    utimesSync(lock, old, old);
    expect(new EcrCounter({ dir, lockWaitMs: 100 }).next()).toBe(8);
    expect(readdirSync(dir)).toEqual(['ecr-counter']);
  });

  it('does not break a lock younger than 30 s held from another host', () => {
    const lock = join(dir, 'ecr-counter.lock');
    writeFileSync(lock, JSON.stringify({ pid: 1, host: 'another-host', at: new Date().toISOString() }));
    const recent = new Date(Date.now() - 20_000);
    utimesSync(lock, recent, recent);
    expect(caught(() => new EcrCounter({ dir, lockWaitMs: 50 }).next()).code).toBe('busy');
  });

  it('breaks at once a lock left by a process of this machine that no longer exists', () => {
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(exited.stdout);
    expect(deadPid).toBeGreaterThan(0);
    writeFileSync(join(dir, 'ecr-counter.lock'), JSON.stringify({ pid: deadPid, host: hostname(), at: new Date().toISOString() }));
    expect(new EcrCounter({ dir, lockWaitMs: 50 }).next()).toBe(1);
  });
});

describe('defaultStateDir', () => {
  it('uses $XDG_STATE_HOME/inpas-pinpad', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/var/state', HOME: '/home/u' })).toBe(join('/var/state', 'inpas-pinpad'));
  });

  it('falls back to ~/.local/state/inpas-pinpad, ignoring a relative or empty XDG_STATE_HOME', () => {
    expect(defaultStateDir({ HOME: '/home/u' })).toBe(join('/home/u', '.local', 'state', 'inpas-pinpad'));
    expect(defaultStateDir({ XDG_STATE_HOME: 'relative', HOME: '/home/u' })).toBe(join('/home/u', '.local', 'state', 'inpas-pinpad'));
    expect(defaultStateDir({ XDG_STATE_HOME: '', HOME: '/home/u' })).toBe(join('/home/u', '.local', 'state', 'inpas-pinpad'));
  });

  it('is where a counter without a dir keeps its file', () => {
    const counter = new EcrCounter({ env: { XDG_STATE_HOME: dir } });
    expect(counter.next()).toBe(1);
    expect(readFileSync(join(dir, 'inpas-pinpad', 'ecr-counter'), 'utf8')).toBe('1\n');
  });
});
