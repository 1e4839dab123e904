import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { DEFAULT_SERIAL_PORT, parseConfigText } from '../../electron/service/config/config.js';

const ROOT = join(import.meta.dirname, '..', '..');

async function builderConfig(): Promise<Record<string, unknown>> {
  return (await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null)) as unknown as Record<string, unknown>;
}

/** fpm "src=dest" mappings of the .deb. */
async function debMappings(): Promise<Array<{ src: string; dest: string }>> {
  const config = await builderConfig();
  const fpm = ((config.deb as { fpm?: string[] }).fpm ?? []).filter((arg) => !arg.startsWith('-'));
  return fpm.map((arg) => {
    const [src, dest] = arg.split('=');
    return { src: src!, dest: dest! };
  });
}

function parseUdevRule(text: string): Array<Array<{ key: string; op: string; value: string }>> {
  const rules: Array<Array<{ key: string; op: string; value: string }>> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/,\s*/);
    rules.push(
      parts.map((part) => {
        const match = /^([A-Z_]+(?:\{[^}]+\})?)\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"$/.exec(part.trim());
        if (!match) throw new Error(`not a udev key: ${part}`);
        return { key: match[1]!, op: match[2]!, value: match[3]! };
      }),
    );
  }
  return rules;
}

function parseDesktopEntry(text: string): Record<string, string> {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  expect(lines[0]).toBe('[Desktop Entry]');
  return Object.fromEntries(lines.slice(1).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
}

describe('packaging (checked without downloading Electron)', () => {
  it("validates against electron-builder's own schema", async () => {
    const config = await builderConfig();
    await expect(validateConfiguration(config as never, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds a .deb and an AppImage for Linux x64 with the app id, name and icons', async () => {
    const config = await builderConfig();
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.productName).toBeTruthy();
    expect((config.linux as { target: string[] }).target).toEqual(['deb', 'AppImage']);
    const icons = join(ROOT, (config.linux as { icon: string }).icon);
    for (const size of [32, 64, 128, 256, 512]) expect(existsSync(join(icons, `${size}x${size}.png`))).toBe(true);
  });

  it('sets the Electron fuses: no RunAsNode, NODE_OPTIONS or --inspect; asar integrity; app only from the asar', async () => {
    const fuses = (await builderConfig()).electronFuses as Record<string, boolean>;
    expect(fuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    const config = await builderConfig();
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
  });

  it('references only files that exist', async () => {
    const config = await builderConfig();
    const deb = config.deb as { afterInstall: string; afterRemove: string };
    for (const file of [deb.afterInstall, deb.afterRemove, ...(await debMappings()).map((m) => m.src)]) {
      expect(existsSync(join(ROOT, file)), file).toBe(true);
    }
    expect(statSync(join(ROOT, (config.directories as { buildResources: string }).buildResources)).isDirectory()).toBe(true);
  });

  it('installs the udev rule, the default configuration as a conffile, and the autostart', async () => {
    const config = await builderConfig();
    const mappings = await debMappings();
    const dest = (suffix: string): string | undefined => mappings.find((m) => m.dest.endsWith(suffix))?.dest;
    expect(dest('.rules')).toMatch(/^\/lib\/udev\/rules\.d\/\d\d-[a-z-]+\.rules$/);
    expect(dest('config.toml')).toBe('/etc/inpas-kiosk/config.toml');
    expect(dest('.desktop')).toMatch(/^\/etc\/xdg\/autostart\//);
    const fpm = (config.deb as { fpm: string[] }).fpm;
    expect(fpm).toContain('--config-files=/etc/inpas-kiosk/config.toml');
    // The app reads that very path when no other configuration is given.
    expect(readFileSync(join(ROOT, 'electron', 'main.ts'), 'utf8')).toContain("'/etc/inpas-kiosk/config.toml'");
  });

  it('the udev rule names a PAX S300 on USB-CDC /dev/ttyS39 with group dialout, as the app expects', () => {
    const rules = parseUdevRule(readFileSync(join(ROOT, 'build', 'linux', '99-inpas-pinpad.rules'), 'utf8'));
    expect(rules).toHaveLength(1);
    const rule = Object.fromEntries(rules[0]!.map((k) => [`${k.key}${k.op}`, k.value]));
    expect(rule['SUBSYSTEM==']).toBe('tty');
    expect(rule['ATTRS{idVendor}==']).toMatch(/^[0-9a-f]{4}$/);
    expect(rule['ATTRS{idProduct}==']).toMatch(/^[0-9a-f]{4}$/);
    expect(rule['GROUP=']).toBe('dialout');
    expect(`/dev/${rule['SYMLINK+=']}`).toBe(DEFAULT_SERIAL_PORT);
  });

  it('the autostart entry starts the installed app in autostart mode', async () => {
    const config = await builderConfig();
    const entry = parseDesktopEntry(readFileSync(join(ROOT, 'build', 'linux', 'inpas-kiosk-pay.desktop'), 'utf8'));
    expect(entry.Type).toBe('Application');
    expect(entry.Exec).toBe(`/usr/bin/${String(config.executableName)} --autostart --js-flags=--max-semi-space-size=4`);
    expect(readFileSync(join(ROOT, 'electron', 'main.ts'), 'utf8')).toContain("'--autostart'");
  });

  it('the default configuration loads through the app validator', () => {
    const config = parseConfigText(readFileSync(join(ROOT, 'build', 'config.toml'), 'utf8'), 'build/config.toml');
    expect(config.pinpad.emulator).toBe(true);
  });

  it('the install scripts are valid shell and add the kiosk user to dialout', () => {
    for (const script of ['after-install.sh', 'after-remove.sh', 'before-remove.sh', 'kiosk-stop.sh'])
      execFileSync('sh', ['-n', join(ROOT, 'build', 'linux', script)]);
    const install = readFileSync(join(ROOT, 'build', 'linux', 'after-install.sh'), 'utf8');
    expect(install).toMatch(/usermod -a -G dialout/);
    expect(install).toMatch(/udevadm control --reload-rules/);
  });
});
