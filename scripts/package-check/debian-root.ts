/**
 * The maintainer scripts run for real: a minimal Debian root (mmdebstrap, Debian's own
 * packages; cached as a tarball under .state/ so a second run only unpacks it), a kiosk user,
 * then install, the engineer's enable, an upgrade over an edited configuration, remove and
 * purge, each checked. systemctl in the root is a recorder: the root runs no systemd, and the
 * scripts must not start anything there; for the upgrade and the removal the root pretends
 * systemd runs (/run/systemd/system) so that the calls the scripts would make are recorded.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Report = (ok: boolean, what: string) => void;

const SUITE = 'bookworm';
const INCLUDE = ['passwd', 'adduser'];

/** The cached root tarball, made once: Debian's essential packages plus what the scripts use. */
export function debianRootTarball(cacheDir: string, say: (line: string) => void): string {
  const tarball = join(cacheDir, `debian-${SUITE}-essential.tar`);
  if (existsSync(tarball)) return tarball;
  mkdirSync(cacheDir, { recursive: true });
  say(`making a minimal Debian ${SUITE} root with mmdebstrap (once; cached at ${tarball})`);
  // mmdebstrap chooses its output format by the name's ending: .tar.
  const partial = tarball.replace(/\.tar$/, '.partial.tar');
  execFileSync(
    'mmdebstrap',
    ['--quiet', '--variant=essential', `--include=${INCLUDE.join(',')}`, ...['doc', 'man', 'locale', 'info'].map((d) => `--dpkgopt=path-exclude=/usr/share/${d}/*`), SUITE, partial],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  renameSync(partial, tarball);
  return tarball;
}

const RECORDER = `#!/bin/sh
# systemctl of the package check's Debian root: records its arguments, starts nothing.
echo "$*" >> /var/log/systemctl-calls
`;

export interface Scenario {
  tarball: string;
  rootDir: string;
  debV1: string;
  debV2: string;
  v1: string;
  v2: string;
  packageName: string;
  executable: string;
  productDir: string;
  report: Report;
}

export function runDebianScenario(s: Scenario): void {
  const { rootDir: R, report } = s;
  rmSync(R, { recursive: true, force: true });
  mkdirSync(R, { recursive: true });
  execFileSync('tar', ['-xf', s.tarball, '-C', R]);
  const inRoot = (cmd: string): string => execFileSync('chroot', [R, '/bin/sh', '-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' } });
  const at = (path: string): string => join(R, path);
  const exists = (path: string): boolean => {
    try {
      lstatSync(at(path));
      return true;
    } catch {
      return false;
    }
  };
  const calls = (): string[] => (existsSync(at('/var/log/systemctl-calls')) ? readFileSync(at('/var/log/systemctl-calls'), 'utf8').trim().split('\n').filter(Boolean) : []);
  const clearCalls = (): void => rmSync(at('/var/log/systemctl-calls'), { force: true });
  const version = (): string => inRoot(`dpkg-query -W -f '\${Status} \${Version}' ${s.packageName} 2>/dev/null || true`).trim();

  writeFileSync(at('/usr/local/sbin/systemctl'), RECORDER);
  chmodSync(at('/usr/local/sbin/systemctl'), 0o755);
  inRoot('useradd --create-home --uid 1001 --shell /bin/sh kiosk');
  copyFileSync(s.debV1, at('/tmp/v1.deb'));
  copyFileSync(s.debV2, at('/tmp/v2.deb'));

  // --force-depends: the Depends (GTK, NSS, udev, cage...) are what the app needs to run, not
  // what its maintainer scripts use (passwd, coreutils); installing them would add ~300 MB.
  inRoot('dpkg -i --force-depends /tmp/v1.deb');
  report(version() === `install ok installed ${s.v1}`, `install: dpkg says "${version()}"`);
  const unit = '/usr/lib/systemd/system/inpas-kiosk-pay.service';
  for (const path of [unit, '/usr/lib/inpas-kiosk-pay/kiosk-stop', '/lib/udev/rules.d/99-inpas-pinpad.rules', '/etc/xdg/autostart/inpas-kiosk-pay.desktop', '/etc/inpas-kiosk/config.toml', '/etc/pam.d/inpas-kiosk-pay', `/opt/${s.productDir}/resources/app.asar`]) {
    report(exists(path), `install: ${path} is in place`);
  }
  report((lstatSync(at('/usr/lib/inpas-kiosk-pay/kiosk-stop')).mode & 0o111) !== 0, 'install: the stop helper is executable');
  report(exists(`/usr/bin/${s.executable}`) && readlinkSync(at(`/usr/bin/${s.executable}`)) === `/opt/${s.productDir}/${s.executable}`, `install: /usr/bin/${s.executable} points at the app`);
  const groups = inRoot('id -nG kiosk').trim().split(/\s+/);
  report(groups.includes('dialout'), `install: the kiosk user is in dialout (groups: ${groups.join(' ')})`);
  report(calls().length === 0, `install: no systemctl call without a running systemd (calls: ${calls().join('; ') || 'none'})`);
  report(!exists('/etc/systemd/system/graphical.target.wants/inpas-kiosk-pay.service'), 'install: the kiosk session is not enabled by the package');

  // The engineer's step on a kiosk, with the host's systemctl working on the root offline.
  execFileSync('systemctl', [`--root=${R}`, 'enable', 'inpas-kiosk-pay.service'], { stdio: 'pipe' });
  const wants = '/etc/systemd/system/graphical.target.wants/inpas-kiosk-pay.service';
  // The root has merged /usr: systemctl may name the unit by /lib or /usr/lib.
  const isUnit = (path: string): boolean => exists(path) && /^(\/usr)?\/lib\/systemd\/system\/inpas-kiosk-pay\.service$/.test(readlinkSync(at(path)));
  report(isUnit(wants), 'enable: graphical.target wants the kiosk session');
  report(isUnit('/etc/systemd/system/display-manager.service'), 'enable: the kiosk session is the display manager');

  // Money records and the engineer's configuration, as on a kiosk in use.
  const journalDir = '/home/kiosk/.config/Inpas Kiosk Pay';
  const journal = `${journalDir}/journal.sqlite`;
  const journalBytes = `package check journal ${Date.now()}\n`;
  mkdirSync(at(journalDir), { recursive: true });
  writeFileSync(at(journal), journalBytes);
  inRoot(`chown -R kiosk:kiosk /home/kiosk/.config`);
  const config = '/etc/inpas-kiosk/config.toml';
  const edited = readFileSync(at(config), 'utf8').replace('locale = "ru"', 'locale = "en"') + '\n# edited by the engineer\n';
  writeFileSync(at(config), edited);

  // Upgrade on a running system: the new default configuration differs from the edited one;
  // --force-confold is what a non-interactive upgrade answers (keep the engineer's file).
  mkdirSync(at('/run/systemd/system'), { recursive: true });
  clearCalls();
  inRoot('dpkg -i --force-depends --force-confdef --force-confold /tmp/v2.deb');
  report(version() === `install ok installed ${s.v2}`, `upgrade: dpkg says "${version()}"`);
  report(readFileSync(at(config), 'utf8') === edited, 'upgrade: the edited config.toml is kept');
  report(exists(`${config}.dpkg-dist`), 'upgrade: the new default configuration is left beside it as config.toml.dpkg-dist');
  // The old version's postrm (upgrade) reloads, then the new postinst reloads and restarts.
  report(JSON.stringify(calls()) === JSON.stringify(['daemon-reload', 'daemon-reload', '--no-block try-restart inpas-kiosk-pay.service']), `upgrade: systemd reloads the units and restarts a running kiosk session (only if running) without waiting for its drain (calls: ${calls().join('; ')})`);
  report(exists(wants), 'upgrade: the kiosk session stays enabled');
  report(readFileSync(at(journal), 'utf8') === journalBytes, 'upgrade: the journal is untouched');

  clearCalls();
  inRoot(`dpkg -r ${s.packageName}`);
  report(calls()[0] === 'stop inpas-kiosk-pay.service', `remove: the kiosk session is stopped (drained) before its files go (calls: ${calls().join('; ')})`);
  report(!exists(unit) && !exists(`/opt/${s.productDir}`) && !exists(`/usr/bin/${s.executable}`), 'remove: the app, its unit and /usr/bin link are gone');
  report(readFileSync(at(config), 'utf8') === edited, 'remove: the configuration (a conffile) is kept');
  report(readFileSync(at(journal), 'utf8') === journalBytes, `remove: the journal ${journal} is kept`);

  rmSync(at('/run/systemd/system'), { recursive: true, force: true });
  clearCalls();
  inRoot(`dpkg -P ${s.packageName}`);
  report(version() === '', 'purge: dpkg no longer knows the package');
  report(!exists(config) && !exists('/etc/pam.d/inpas-kiosk-pay') && !exists('/etc/xdg/autostart/inpas-kiosk-pay.desktop'), 'purge: the conffiles are deleted');
  report(!exists(wants) && !exists('/etc/systemd/system/display-manager.service'), 'purge: the kiosk session is no longer enabled');
  report(readFileSync(at(journal), 'utf8') === journalBytes, `purge: the journal ${journal} is still kept (no package operation deletes money records)`);
  report(calls().length === 0, `purge: no systemctl call without a running systemd (calls: ${calls().join('; ') || 'none'})`);
}
