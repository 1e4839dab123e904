#!/bin/sh
# After removal (postrm). The configuration in /etc/inpas-kiosk, the autostart entry and the PAM
# file are conffiles: dpkg keeps them on remove and deletes them on purge. Money records are
# never touched: the journal lives in the kiosk user's data folder (~/.config/Inpas Kiosk Pay/),
# which no package operation removes, not even purge; logs in /var/log/inpas-kiosk-pay stay too.
set -e
if [ "$1" = remove ] || [ "$1" = purge ]; then rm -f '/usr/bin/${executable}'; fi
# Purge forgets that the kiosk session was enabled (the unit file itself is already gone).
if [ "$1" = purge ]; then
  rm -f /etc/systemd/system/graphical.target.wants/inpas-kiosk-pay.service
  case "$(readlink /etc/systemd/system/display-manager.service 2>/dev/null || true)" in
    */systemd/system/inpas-kiosk-pay.service) rm -f /etc/systemd/system/display-manager.service ;;
  esac
fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload || true
fi
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules || true
fi
exit 0
