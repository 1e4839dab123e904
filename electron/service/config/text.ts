/** The documented example configuration file: every key with its default and what it does. */
import { DEFAULT_BAUD_RATE, DEFAULT_BRIDGE_PORT, DEFAULT_SERIAL_PORT, DEFAULT_TIMEOUT_S, MAX_TIMEOUT_S, BAUD_LIST } from './schema.js';

/** A fully commented configuration file; as shipped, it parses to the defaults (no [pinpad]: the emulator). */
export function defaultConfigText(): string {
  return `# Kiosk / till payment service configuration (TOML).
# Every active key below shows its default value; in the commented-out [pinpad] example the
# values are examples (defaults are named in the comments). A misspelt key or section is an
# error that names this file and the key, never a setting silently ignored. Strings go in
# "quotes"; only one pin-pad section may be present.

# kiosk = self-checkout (customer, touch screen); till = cashier desk (split payments with cash).
mode = "kiosk"
# Language of the screens: ru | en.
locale = "ru"

# --- Pin pad (Inpas SmartSale) -------------------------------------------------------------
# With no [pinpad] section the BUILT-IN EMULATOR is used and the app says so on screen:
# no real money moves. Uncomment the section header and the keys you need for a real pin pad.
# An empty [pinpad] section means a serial pin pad on ${DEFAULT_SERIAL_PORT} at ${DEFAULT_BAUD_RATE} baud.
# The legacy section name [smartsale] is accepted with the same keys; having both
# [pinpad] and [smartsale] is an error (only one version of the settings may be active).
#
# [pinpad]
# Serial device; default ${DEFAULT_SERIAL_PORT}, where a PAX S300 on USB appears (the shipped udev rule names it).
# port = "${DEFAULT_SERIAL_PORT}"
# OR a terminal on the network, host:port. Give exactly one of port / tcp.
# tcp = "10.0.0.5:27015"
# Serial speed, one of ${BAUD_LIST} (serial only; remove it for tcp).
# baudRate = ${DEFAULT_BAUD_RATE}
# Terminal id (field 27), in quotes so leading zeros stay; default "" = the terminal's own.
# id = "00322346"
# Numeric ISO 4217 currency (field 4); 643 = Russian rouble.
# currencyCodeNumeric = 643
# SBP QR payments: true shows the "Оплата картой" / "Оплата QR СБП" dialog and lets the
# customer switch from card to QR with key 1 on the pin pad. Default false: enable it only
# when the bank has set up SBP on this terminal.
# qrSBP = false
# Operation timeout in seconds: set it to DOUBLE the value the bank recommends
# (bank says 90 s -> 180). At most ${MAX_TIMEOUT_S}.
# timeout = ${DEFAULT_TIMEOUT_S}
# Terminal profile (JSON with this bank's operation codes); empty = the shipped default.
# A relative path is taken from the folder of this file.
# profile = ""

[service]
# Service PIN (test, settlement, reports, journal, quitting the kiosk), stored HASHED:
# "scrypt$N$r$p$salt$hash". Never write the PIN itself here. While absent, the service
# screen is locked until a PIN is set.
# pinHash = "scrypt$16384$8$1$..."

[bridge]
# The same contract as the app, over a WebSocket on loopback (browser mode, second
# display, a POS core on the same machine).
enabled = false
port = ${DEFAULT_BRIDGE_PORT}
# Shared secret every bridge client must present; required when enabled, at least
# 128 random bits (e.g. 32 random base64url characters: openssl rand -base64 32 | tr '+/' '-_').
# A short or patterned token is refused.
# token = ""

[logs]
# Folder of service.log and pinpad-trace.log; empty = <data dir>/logs.
# A relative path is taken from the folder of this file.
dir = ""
# Rotate a log file when it grows past this many megabytes.
maxSizeMB = 10
# Delete rotated log files older than this many days.
retentionDays = 30
# Frame trace (decoded, card data masked) in pinpad-trace.log, for field debugging.
trace = false

[sbp]
# A QR payment that completes after the customer has gone (the QR was paid late):
# false = keep it and flag it for staff; true = reverse it automatically.
reverseLatePayments = false

# --- Prometheus metrics (docs/fleet.md) ---------------------------------------------------
# Uncomment to serve GET /metrics for the chain's Prometheus. Absent: no endpoint.
# [metrics]
# host:port to listen on; keep it on loopback or a management network.
# listen = "127.0.0.1:9464"
# Bearer token Prometheus must present (its scrape config's authorization credentials),
# at least 128 random bits (e.g. openssl rand -base64 32); absent = no token asked.
# token = ""
`;
}
