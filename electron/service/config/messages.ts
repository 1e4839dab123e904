/** Configuration errors in words: each names the file, the key path and, for a typo, the closest known key. */
import type { z } from 'zod';
import { ConfigError } from '../../contract/errors.js';
import { isTable, KNOWN_KEYS, SECRET_KEYS, type KeyIssue } from './schema.js';

/** Optimal string alignment distance (a swapped pair of letters counts as one edit). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known key closest to `key` (case does not count), when it is close enough to be a typo. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(key.length / 3));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  if (typeof value === 'bigint') return `integer ${value}`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object' && value !== null) return 'a table';
  return typeof value;
}

function describeType(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object' && value !== null) return 'a table';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string in quotes',
  number: 'a number',
  boolean: 'true or false',
  object: 'a table',
};

export function keyPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

export function describeZodIssue(issue: z.core.$ZodIssue): KeyIssue[] {
  const path = issue.path;
  const where = keyPath(path);
  const secret = SECRET_KEYS.has(where);
  const got = (input: unknown): string => (secret ? `got ${describeType(input)}` : `got ${describeValue(input)}`);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const table = path.map(String).join('.');
      const known = KNOWN_KEYS[table] ?? [];
      return issue.keys.map((key) => {
        const value = isTable(issue.input) ? issue.input[key] : undefined;
        const what = isTable(value) ? 'unknown section' : 'unknown key';
        const suggestion = suggestKey(key, known);
        if (suggestion) return { path: [...path, key], message: `${what} (did you mean "${suggestion}"?)` };
        // A key of another section, e.g. qrSBP written above the [pinpad] header.
        const homes = Object.entries(KNOWN_KEYS)
          .filter(
            ([section, keys]) => section !== '' && section !== 'smartsale' && section !== table && keys.some((k) => k.toLowerCase() === key.toLowerCase()),
          )
          .map(([section]) => `[${section}]`);
        if (homes.length > 0) return { path: [...path, key], message: `${what} here (it belongs in ${homes.join(' or ')})` };
        return { path: [...path, key], message: `${what} (known here: ${known.join(', ')})` };
      });
    }
    case 'invalid_type': {
      const expected =
        path.length === 1 && issue.expected === 'object' ? `a table ([${String(path[0])}] section)` : (EXPECTED[issue.expected] ?? issue.expected);
      return [{ path, message: `expected ${expected}, ${got(issue.input)}` }];
    }
    case 'invalid_value':
      return [{ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, ${got(issue.input)}` }];
    default:
      return [{ path, message: issue.input === undefined ? issue.message : `${issue.message}, ${got(issue.input)}` }];
  }
}

export function configError(source: string, issues: readonly KeyIssue[]): ConfigError {
  const lines: string[] = [];
  for (const issue of issues) {
    const line = `${source}: ${keyPath(issue.path)}: ${issue.message}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return new ConfigError(lines.join('\n'), {
    data: { source, keys: [...new Set(issues.map((issue) => keyPath(issue.path)))], issues: lines },
  });
}
