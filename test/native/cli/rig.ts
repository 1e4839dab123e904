/** Shared by the pinpad command-line tests: running the command with its output captured, and reading --json. */
import { expect } from 'vitest';
import { runPinpad, type PinpadIo } from '../../../native/cli/pinpad.js';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with the counter in `stateDir` (the test's temp directory, never the user's home). */
export async function runCli(stateDir: string, argv: string[], io: Partial<PinpadIo> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runPinpad(argv, {
    env: { XDG_STATE_HOME: stateDir, HOME: stateDir },
    ...io,
    stdout: (s) => {
      stdout += s;
      io.stdout?.(s);
    },
    stderr: (s) => {
      stderr += s;
      io.stderr?.(s);
    },
  });
  return { code, stdout, stderr };
}

/** stdout must be exactly one JSON object (and nothing else). */
export function onlyJson(stdout: string): Record<string, unknown> {
  const lines = stdout.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  const value: unknown = JSON.parse(lines[0]!);
  expect(typeof value).toBe('object');
  return value as Record<string, unknown>;
}
