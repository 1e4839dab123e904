/** Every `npm run web -- …` line of the README parses as written (shell quoting included). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWebArgs, ROOT } from '../../scripts/web.js';

/** Splits a shell command line into words: double and single quotes, no expansions. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of line.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3]!);
  return words;
}

const commands = readFileSync(`${ROOT}/README.md`, 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('npm run web -- '))
  .map((line) => line.replace(/\s+#.*$/, ''));

describe('npm run web command lines in the README', () => {
  it('there are some', () => {
    expect(commands.length).toBeGreaterThanOrEqual(2);
  });

  it.each(commands)('%s', (command) => {
    const args = shellWords(command.slice('npm run web -- '.length));
    expect(() => parseWebArgs(args)).not.toThrow();
  });

  it('the emulator options arrive whole', () => {
    expect(parseWebArgs(['--emulator', '--fast --scenario switch-to-qr']).emulator).toBe('--fast --scenario switch-to-qr');
    expect(parseWebArgs(['--emulator=--fast']).emulator).toBe('--fast');
    expect(() => parseWebArgs(['--emulatr', 'x'])).toThrow();
  });
});
