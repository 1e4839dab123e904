/**
 * The .deb of electron-builder's deb target, assembled with dpkg-deb from its unpacked Linux
 * app where fpm cannot run: the same file list (the app in /opt/<product>, icons, desktop
 * entry, the fpm src=dest mappings of electron-builder.yml), the same conffiles (every
 * --config-files, and every file under /etc, as fpm marks them by default) and the same
 * maintainer scripts, templates filled the way electron-builder fills them.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { sanitizeFileName } = require('builder-util/out/filename') as { sanitizeFileName(s: string): string };

export interface DebSpec {
  name: string;
  version: string;
  executable: string;
  productName: string;
  /** electron-builder's configuration, as app-builder-lib's getConfig reads it. */
  config: Record<string, unknown>;
}

interface DebOptions {
  depends?: string[];
  recommends?: string[];
  afterInstall: string;
  afterRemove: string;
  fpm?: string[];
}

/** fpm's arguments of the deb target: mappings, conffiles, and options with a file (--before-remove=FILE). */
export function fpmArgs(config: Record<string, unknown>): { mappings: Array<{ src: string; dest: string }>; configFiles: string[]; options: Record<string, string> } {
  const fpm = (config.deb as DebOptions).fpm ?? [];
  const mappings: Array<{ src: string; dest: string }> = [];
  const configFiles: string[] = [];
  const options: Record<string, string> = {};
  for (const arg of fpm) {
    if (arg.startsWith('--config-files=')) configFiles.push(arg.slice('--config-files='.length));
    else if (arg.startsWith('--')) {
      const [key, value] = arg.slice(2).split(/=(.*)/s);
      if (value === undefined) throw new Error(`fpm option without a value: ${arg}`);
      options[key!] = value;
    } else {
      const [src, dest] = arg.split('=');
      if (!src || !dest) throw new Error(`not an fpm src=dest mapping: ${arg}`);
      mappings.push({ src, dest });
    }
  }
  return { mappings, configFiles, options };
}

/** electron-builder's bash template filling (FpmTarget): ${executable} and ${sanitizedProductName} single-quote-escaped, an unknown macro an error. */
export function fillTemplate(text: string, spec: DebSpec): string {
  const quote = (value: string): string => value.replace(/'/g, "'\\''");
  const linux = (spec.config.linux ?? {}) as Record<string, unknown>;
  const values: Record<string, unknown> = {
    executable: quote(spec.executable),
    sanitizedProductName: quote(sanitizeFileName(spec.productName)),
    productFilename: sanitizeFileName(spec.productName),
    ...linux,
  };
  return text.replace(/\$\{([a-zA-Z]+)\}/g, (_match, key: string) => {
    if (!(key in values)) throw new Error(`Macro ${key} is not defined`);
    return String(values[key]);
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => join(e.parentPath, e.name));
}

/** Builds the .deb at `out` from the unpacked app; `work` is a scratch folder; `override` maps a destination to another source (an upgrade's new default). Returns the conffiles. */
export function assembleDeb(root: string, unpacked: string, spec: DebSpec, work: string, out: string, override: Record<string, string> = {}): string[] {
  rmSync(work, { recursive: true, force: true });
  const tree = join(work, 'tree');
  const put = (src: string, dest: string, mode?: number): void => {
    const to = join(tree, dest);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(src, to, { recursive: true, verbatimSymlinks: true });
    if (mode !== undefined) chmodSync(to, mode);
  };
  const product = sanitizeFileName(spec.productName);
  put(unpacked, `opt/${product}`);
  const linux = spec.config.linux as { icon: string; synopsis?: string; description?: string; category?: string };
  for (const file of readdirSync(join(root, linux.icon)).filter((f) => /^\d+x\d+\.png$/.test(f))) {
    put(join(root, linux.icon, file), `usr/share/icons/hicolor/${file.slice(0, -4)}/apps/${spec.executable}.png`);
  }
  const desktop = join(work, 'app.desktop');
  writeFileSync(
    desktop,
    ['[Desktop Entry]', `Name=${spec.productName}`, `Exec="/opt/${product}/${spec.executable}" %U`, 'Terminal=false', 'Type=Application', `Icon=${spec.executable}`, `StartupWMClass=${spec.name}`, `Comment=${linux.synopsis ?? ''}`, `Categories=${linux.category ?? ''};`, ''].join('\n'),
  );
  put(desktop, `usr/share/applications/${spec.executable}.desktop`);
  const { mappings, configFiles, options } = fpmArgs(spec.config);
  for (const { src, dest } of mappings) {
    const from = override[dest] ?? join(root, src);
    put(from, dest.replace(/^\//, ''), statSync(from).mode & 0o111 ? 0o755 : 0o644);
  }

  const control = join(tree, 'DEBIAN');
  mkdirSync(control, { recursive: true });
  const deb = spec.config.deb as DebOptions;
  const script = (name: string, text: string): void => {
    writeFileSync(join(control, name), text);
    chmodSync(join(control, name), 0o755);
  };
  script('postinst', fillTemplate(readFileSync(join(root, deb.afterInstall), 'utf8'), spec));
  script('postrm', fillTemplate(readFileSync(join(root, deb.afterRemove), 'utf8'), spec));
  // fpm passes --before-remove as it is (no templating without --template-scripts).
  if (options['before-remove']) script('prerm', readFileSync(join(root, options['before-remove']), 'utf8'));
  const etcFiles = filesUnder(join(tree, 'etc')).map((f) => `/${relative(tree, f)}`);
  const conffiles = [...new Set([...configFiles, ...etcFiles])].sort();
  writeFileSync(join(control, 'conffiles'), `${conffiles.join('\n')}\n`);
  const sizeKb = Math.ceil(Number(execFileSync('du', ['-sk', '--exclude=DEBIAN', tree], { encoding: 'utf8' }).split('\t')[0]));
  const fields = [
    `Package: ${spec.name}`,
    `Version: ${spec.version}`,
    'Architecture: amd64',
    `Maintainer: ${String((spec.config.linux as { maintainer?: string }).maintainer ?? '')}`,
    `Installed-Size: ${sizeKb}`,
    ...(deb.depends?.length ? [`Depends: ${deb.depends.join(', ')}`] : []),
    ...(deb.recommends?.length ? [`Recommends: ${deb.recommends.join(', ')}`] : []),
    'Section: default',
    'Priority: optional',
    `Description: ${linux.synopsis ?? spec.productName}`,
    ` ${linux.description ?? ''}`,
    '',
  ];
  writeFileSync(join(control, 'control'), fields.join('\n'));
  mkdirSync(dirname(out), { recursive: true });
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z1', '--build', tree, out], { stdio: 'pipe' });
  return conffiles;
}
