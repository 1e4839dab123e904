#!/bin/sh
# Before removal (prerm; not on upgrade): a running kiosk session drains and stops while its
# files, the stop helper among them, are still there. systemctl stop waits for the drain: what
# is at the pin pad reaches its final answer and is journaled before the app goes.
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl stop inpas-kiosk-pay.service || true
fi
exit 0
