#!/bin/sh
# ExecStop of inpas-kiosk-pay.service: lets the app drain before cage goes away.
# systemd runs this before it signals anything; MAINPID is cage. It sends SIGTERM to the app
# alone (cage's child named inpas-kiosk-pay) and waits while the app finishes what is at the
# pin pad, journals it and exits; cage then exits by itself. The wait is bounded by the
# argument in seconds (default 3660: the longest pin-pad timeout the configuration allows, 3600,
# plus a margin) and, before that, by the unit's TimeoutStopSec, which the app extends while
# it drains. Nothing to wait for (the app already gone, no MAINPID) is a success.
set -u
limit="${1:-3660}"
case "$limit" in '' | *[!0-9]*) echo "kiosk-stop: the wait must be whole seconds, not '$limit'" >&2; exit 2 ;; esac
[ -n "${MAINPID:-}" ] || exit 0
app="$(pgrep -P "$MAINPID" -x inpas-kiosk-pay | head -n 1)"
if [ -z "$app" ]; then exit 0; fi
kill -TERM "$app" 2>/dev/null || exit 0
echo "kiosk-stop: asked the app ($app) to drain and stop"
waited=0
while kill -0 "$app" 2>/dev/null; do
  if [ "$waited" -ge "$limit" ]; then
    echo "kiosk-stop: the app ($app) still runs after ${limit} s; systemd stops the rest" >&2
    exit 0
  fi
  sleep 1
  waited=$((waited + 1))
done
echo "kiosk-stop: the app stopped after ${waited} s"
exit 0
