#!/bin/sh
# After removal: drop the udev rule's effect. The configuration in /etc/inpas-kiosk is a
# conffile: dpkg keeps it on remove and deletes it on purge; journals in users' data folders stay.
set -e
if [ "$1" = remove ] || [ "$1" = purge ]; then rm -f '/usr/bin/${executable}'; fi
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules || true
fi
exit 0
