/**
 * The Electron stand-in of the package check: Electron's binary cannot be downloaded on every
 * machine that runs the check, so electron-builder packages this directory instead
 * (electronDist). It holds an executable named `electron` that only says what it is, with a
 * fuse wire in Electron's format (sentinel, wire version 1, eight fuses at Electron's
 * defaults), so that electron-builder's fuse step finds a wire to set and the check can read
 * back what was set. It is not Electron: nothing here runs the app.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @electron/fuses' sentinel: the fuse wire follows it. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's shipped defaults, in wire order: RunAsNode, CookieEncryption, NodeOptions, Inspect, AsarIntegrity, OnlyLoadFromAsar, V8Snapshot, GrantFileProtocol. */
const ELECTRON_DEFAULT_WIRE = '10110001';

export const STANDIN_LABEL = 'Electron stand-in';

export function writeElectronStandin(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const wire = `${FUSE_SENTINEL}\u0001${String.fromCharCode(ELECTRON_DEFAULT_WIRE.length)}${ELECTRON_DEFAULT_WIRE}`;
  const script = [
    '#!/bin/sh',
    `# ${STANDIN_LABEL} for the package check, not Electron. Fuse wire: ${wire}`,
    `echo "${STANDIN_LABEL}: not Electron; this package cannot run the app" >&2`,
    'exit 1',
    '',
  ].join('\n');
  const exe = join(dir, 'electron');
  writeFileSync(exe, script, 'latin1');
  chmodSync(exe, 0o755);
  writeFileSync(join(dir, 'LICENSE'), `${STANDIN_LABEL}: no Electron licence text, no Electron inside.\n`);
  return dir;
}
