import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atLeast, PACKAGING_NODE, packagingNodeProblem } from '../../scripts/check-dist-node.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'check-dist-node.mjs');

describe('npm run dist checks the Node version first', () => {
  it('compares versions by number, not as text', () => {
    expect(atLeast('22.12.0', '22.12.0')).toBe(true);
    expect(atLeast('v22.12.1', '22.12.0')).toBe(true);
    expect(atLeast('22.13.0', '22.12.0')).toBe(true);
    expect(atLeast('24.0.0', '22.12.0')).toBe(true);
    expect(atLeast('100.0.0', '22.12.0')).toBe(true);
    expect(atLeast('22.11.9', '22.12.0')).toBe(false);
    expect(atLeast('22.9.0', '22.12.0')).toBe(false);
    expect(atLeast('20.19.0', '22.12.0')).toBe(false);
    expect(atLeast('v3.0.0', '22.12.0')).toBe(false);
  });

  it('names the needed version, the one found and why, on older Node only', () => {
    expect(PACKAGING_NODE).toBe('22.12.0');
    const problem = packagingNodeProblem('v20.19.3');
    expect(problem).toContain('packaging needs Node.js 22.12.0 or newer; this is Node.js 20.19.3');
    expect(problem).toMatch(/@electron\/rebuild/);
    expect(problem).toMatch(/20\.19\+/);
    expect(packagingNodeProblem('22.12.0')).toBeUndefined();
    expect(packagingNodeProblem('v24.4.1')).toBeUndefined();
  });

  it('the script stops with status 1 and the message on this Node when it is too old, else passes silently', () => {
    const run = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    if (atLeast(process.versions.node, PACKAGING_NODE)) {
      expect(run.status).toBe(0);
      expect(run.stderr).toBe('');
    } else {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`this is Node.js ${process.versions.node}`);
    }
  });

  it('runs before the build and electron-builder', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.dist).toMatch(/^node scripts\/check-dist-node\.mjs && /);
    expect(pkg.scripts.dist!.indexOf('check-dist-node')).toBeLessThan(pkg.scripts.dist!.indexOf('electron-builder'));
  });
});
