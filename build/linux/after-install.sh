#!/bin/sh
# Post-install of the .deb (an electron-builder template: ${executable} and
# ${sanitizedProductName} are filled in when packaging). It puts the app on the PATH, makes
# the pin pad's udev rule take effect, and lets the kiosk user open the pin pad.
set -e

app_dir='/opt/${sanitizedProductName}'
ln -sf "$app_dir/${executable}" '/usr/bin/${executable}'
# Chromium's sandbox helper needs SUID only where unprivileged user namespaces are off.
if [ -e "$app_dir/chrome-sandbox" ]; then
  if unshare --user true >/dev/null 2>&1; then chmod 0755 "$app_dir/chrome-sandbox"; else chmod 4755 "$app_dir/chrome-sandbox"; fi
fi
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database /usr/share/applications || true; fi

# The user who runs the app on this kiosk or till: KIOSK_USER if set at install time, else a
# user named "kiosk", else the first regular user (uid 1000).
user="${KIOSK_USER:-}"
if [ -z "$user" ] && getent passwd kiosk >/dev/null 2>&1; then user=kiosk; fi
if [ -z "$user" ]; then user="$(getent passwd 1000 | cut -d: -f1 || true)"; fi
if [ -n "$user" ] && getent passwd "$user" >/dev/null 2>&1; then
  if ! id -nG "$user" | tr ' ' '\n' | grep -qx dialout; then
    usermod -a -G dialout "$user"
    echo "inpas-kiosk-pay: added $user to the dialout group (takes effect at the next login)"
  fi
else
  echo "inpas-kiosk-pay: no kiosk user found; add the user that runs the app to dialout: usermod -a -G dialout <user>"
fi

if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=tty || true
fi

# Data of the app run as a system-wide kiosk (journal and logs live in the user's data folder).
mkdir -p /var/log/inpas-kiosk-pay

# The kiosk session unit, inpas-kiosk-pay.service: installed, never enabled or started here
# (an engineer turns a machine into a kiosk: systemctl enable inpas-kiosk-pay.service). Only
# on a machine running systemd (not in a chroot or a build root): reload the units, and on an
# upgrade restart a running kiosk session on the new version. --no-block: dpkg does not wait
# while the old app drains what is at the pin pad; a session not running stays as it is.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload || true
  if [ "${1:-}" = configure ] && [ -n "${2:-}" ]; then
    systemctl --no-block try-restart inpas-kiosk-pay.service || true
  fi
fi
if [ "${1:-}" = configure ] && [ -z "${2:-}" ]; then
  echo "inpas-kiosk-pay: on a kiosk, boot into the kiosk session: systemctl enable inpas-kiosk-pay.service, then reboot (see README)"
fi
exit 0
