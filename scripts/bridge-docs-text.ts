/** docs/bridge/protocol.md: the frames, versions, methods, events, errors, limits and rules of the bridge, from the contract's own tables. */
import {
  BRIDGE_PATH,
  CLOSE_BAD_MESSAGE,
  CLOSE_INTERNAL,
  CLOSE_PROTOCOL_VERSION,
  CLOSE_THROTTLED,
  CLOSE_UNAUTHORISED,
  HELLO_TIMEOUT_MS,
  PROTOCOL_VERSION,
  SUPPORTED_MAJORS,
} from '../electron/contract/bridge-protocol.js';
import { EVENT_NAMES, METHOD_NAMES } from '../electron/contract/channels.js';
import { ERROR_ALIASES, ERROR_TABLE, type ErrorCode } from '../electron/contract/errors.js';
import { METHODS, type EventName, type MethodName } from '../electron/contract/methods.js';
import { MAX_PAYLOAD_BYTES, MAX_PAYLOAD_DEPTH } from '../electron/ipc/dispatch.js';
import { errorText } from '../renderer/src/i18n.js';

/** What each method does, and who may call it on a kiosk's customer screen where that is not simply "staff" or "anyone". */
const METHOD_TEXT: Readonly<Record<MethodName, { readonly what: string; readonly customer?: string }>> = {
  'receipt.open': {
    what: 'Opens a receipt (lines and total in kopecks). With `id`, a repeat returns the receipt already opened. `posPrints: true`: the POS core prints it.',
    customer: 'yes; the receipt becomes its own',
  },
  'receipt.get': { what: 'The receipt with its parts and their slips.', customer: 'its own receipts and the one open for payment' },
  'receipt.search': { what: 'Receipts by number, RRN, last card digits or day.' },
  'receipt.cancel': { what: 'Cancels a purchase: gives back every approved part.', customer: 'its own receipt while it is open' },
  'receipt.printed': {
    what: 'The POS core printed the receipt (idempotent); `printed` becomes true and a `receipt` event follows.',
    customer: 'its own receipts and the one open for payment',
  },
  'payment.start': {
    what: 'Starts a part by card, SBP QR or cash; answers its `paymentId` at once, the outcome comes as `payment` and `receipt` events.',
    customer: 'its own receipts and the one open for payment',
  },
  'payment.cancel': {
    what: 'Asks the pin pad to cancel a running part (`requested` false when it can no longer be cancelled).',
    customer: 'payments of its own receipts',
  },
  'refund.plan': { what: 'How a refund would be done (void, refund, cash) without doing it.' },
  'refund.start': { what: 'Refunds parts of a receipt.' },
  'unknown.list': { what: 'Parts whose outcome is not known.' },
  'unknown.resolve': { what: 'Asks the pin pad about parts whose outcome is not known (one, or all).', customer: 'one payment of its own receipts' },
  'unknown.resolveManually': { what: "A person's decision about a part whose outcome the pin pad cannot tell." },
  'lateWatch.list': { what: 'Open late-payment watches (QR parts that may still be paid).' },
  'lateWatch.end': { what: 'A cashier ends a watch, with a note.' },
  'service.unlock': { what: 'Enters the service PIN on this connection.' },
  'service.lock': { what: 'Leaves the service session.' },
  'service.test': { what: 'Tests the connection to the bank.' },
  'service.settle': { what: 'Closes the day at the terminal and reconciles it with the journal.' },
  'service.reconciliationExport': { what: "Writes a business day's reconciliations as CSV and JSON." },
  'service.report': { what: "The terminal's short or full report." },
  'service.slipCopy': { what: 'A copy of the last slip.' },
  'service.journal': { what: 'The audit trail of a receipt or part.' },
  'service.supportBundle': { what: 'Writes a support bundle (logs and journal extract, card data masked).' },
  'app.quit': { what: 'Quits the app (needs the service PIN).' },
  'config.get': { what: 'The configuration a client may see.' },
  'pinpad.health': { what: "The pin pad's connection state." },
  'app.lifecycle': { what: 'Whether the app is running or stopping (draining: new money refused with `stopping`, what is at the pin pad finishes).' },
};

const EVENT_TEXT: Readonly<Record<EventName, string>> = {
  payment: 'A part moved on: sent, pin-pad screen text, QR shown, switched to SBP, cancel requested, done (with the part).',
  receipt: 'A receipt changed (a part approved, declined, refunded; cancelled; printed). The whole receipt.',
  pinpad: "The pin pad's connection state changed.",
  'late-payment': 'A QR part was paid after it had been given up (and counted in its receipt, or reversed).',
  lifecycle: 'The app started stopping (or runs again): a POS core stops sending money calls until the next start.',
};

function customerRule(name: MethodName): string {
  const access = METHODS[name].access;
  if (access === 'staff') return 'service PIN';
  if (access === 'staff-at-kiosk') return 'staff only';
  return METHOD_TEXT[name].customer ?? 'yes';
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function methodTable(): string {
  const rows = METHOD_NAMES.map((name) => {
    const links = `[input](schemas/methods/${name}.input.json), [output](schemas/methods/${name}.output.json)`;
    return `| \`${name}\` | ${cell(METHOD_TEXT[name].what)} | ${METHODS[name].access === 'staff' ? 'yes' : 'no'} | ${cell(customerRule(name))} | ${links} |`;
  });
  return ['| Method | What it does | Service PIN (both modes) | Kiosk customer screen | Schemas |', '|---|---|---|---|---|', ...rows].join('\n');
}

function eventTable(): string {
  const rows = EVENT_NAMES.map((name) => `| \`${name}\` | ${cell(EVENT_TEXT[name])} | [payload](schemas/events/${name}.json) |`);
  return ['| Event | When | Schema |', '|---|---|---|', ...rows].join('\n');
}

function aliasTable(): string {
  const rows = Object.entries(ERROR_ALIASES).map(([alias, code]) => `| \`${alias}\` | \`${code}\` |`);
  return ['| Sent by 1.0 | Read it as |', '|---|---|', ...rows].join('\n');
}

function errorTable(codes: readonly ErrorCode[]): string {
  const rows = codes.map((code) => `| \`${code}\` | ${ERROR_TABLE[code].layer} | ${cell(errorText('en', code, 'cashier'))} |`);
  return ['| Code | Layer | Meaning (the text a cashier sees) |', '|---|---|---|', ...rows].join('\n');
}

export function protocolMarkdown(input: { readonly errorCodes: readonly ErrorCode[] }): string {
  return `<!-- Generated by \`npm run docs:bridge\` (scripts/bridge-docs.ts) from the contract; do not edit by hand. -->

# The bridge protocol, version ${PROTOCOL_VERSION}

The bridge lets a POS core on the same machine drive payments: it opens a receipt, pays it in
parts (card, SBP QR, cash), reads the outcome and the slips, prints, refunds. It is the same
contract the app's own screens use. Every method's input and output and every event's payload
has a JSON Schema document under [schemas/](schemas/); this page gives the rules around them.

Amounts are whole kopecks (1 rouble = 100). Times are ISO 8601 strings unless a field says
otherwise. A client ignores fields it does not know: a minor version may add them.

## Connection

- WebSocket on loopback only: \`ws://127.0.0.1:<port>${BRIDGE_PATH}\` (the port and the token are in the
  app's configuration; browser mode prints both). JSON text frames only; a binary frame closes the
  connection (${CLOSE_BAD_MESSAGE}).
- A request with an \`Origin\` header other than the app's own page is refused (close ${CLOSE_UNAUTHORISED}).

## Versions

\`ready\` names the version the service speaks, \`major.minor\` (now \`${PROTOCOL_VERSION}\`). A minor step only
adds: an optional input field, an output field, a method, an event, an error code. Anything a
client of the same major could trip over is a new major.

A client may name the major version it speaks in its hello (\`"protocol": ${SUPPORTED_MAJORS.at(-1)}\`). This service speaks
major ${SUPPORTED_MAJORS.join(', ')}. A hello for another major (or a \`protocol\` that is not a whole number) is answered
with an \`error\` frame of code \`protocol-version\` (\`data.supported\`: the majors spoken, \`data.version\`:
the full version), then the connection is closed with ${CLOSE_PROTOCOL_VERSION}. A hello without \`protocol\` is taken as
the current major (clients written before versions were named keep working).

## Frames

Schemas: [client frames](schemas/frames/client.json), [server frames](schemas/frames/server.json).

1. The client sends \`{"type":"hello","token":"…","protocol":${SUPPORTED_MAJORS.at(-1)}}\` within ${HELLO_TIMEOUT_MS / 1000} s of connecting.
2. The service answers \`{"type":"ready","protocol":"${PROTOCOL_VERSION}"}\`, or closes (see close codes).
3. The client calls: \`{"type":"invoke","id":7,"method":"receipt.get","input":{"receiptId":"…"}}\`.
   \`id\` is a whole number the client chooses; calls may overlap; answers may come in any order.
4. Each call gets exactly one answer: \`{"type":"result","id":7,"result":{"ok":true,"value":…}}\` or
   \`{"type":"result","id":7,"result":{"ok":false,"error":{"code":"not-found","message":"…","data":{…}}}}\`.
5. After \`ready\` the service sends every event to every client: \`{"type":"event","name":"receipt","payload":…}\`.
6. A frame that is not a message of this protocol is answered with
   \`{"type":"error","code":"not-json"|"bad-message","message":"…","id":…}\` (\`id\` when the frame had a usable one);
   the connection stays open.

When the connection drops while a call is out, its outcome is decided by the service, not lost:
reconnect, then read the receipt (\`receipt.get\`), or retry the call with the same idempotency key.

## Methods

In **till** mode the cashier is trusted: every method is open to the connection, and those marked
"service PIN" need \`service.unlock\` first. In **kiosk** mode a connection without an unlocked service
session is the customer screen: it may only do what the "Kiosk customer screen" column says, and
gets \`forbidden\` otherwise. Permissions are decided by the service, never by the client.

A customer screen's own receipts belong to its connection: after a reconnect it has none. A retry of
an earlier call — \`payment.start\` or \`receipt.cancel\` with the same idempotency key and the same
input, \`receipt.open\` with the same \`id\`, lines and total — is answered as the first call was, and
makes that receipt the new connection's own again. Another key, other input, or a receipt id alone
give nothing (\`forbidden\`).

${methodTable()}

## Events

${eventTable()}

## Errors

Every error is \`{ code, message, data? }\`. \`code\` is one of the table below (it is the contract; match on
it). \`message\` is for logs, in English. \`data\` carries details where a code says so (\`issues\` for
\`invalid-input\`, \`retryAfterSeconds\` for \`pin-locked\`).

${errorTable(input.errorCodes)}

### Aliases

A service of protocol 1.0 sent three pin-pad failures under the driver's own names. Since 1.1 they
carry the code of the table that means the same; a client that may meet a 1.0 service reads the old
name as the new one (the bridge client of this repository does so itself).

${aliasTable()}

## Close codes

| Code | Why |
|---|---|
| ${CLOSE_UNAUTHORISED} | no hello within ${HELLO_TIMEOUT_MS / 1000} s, a wrong token, a frame before the hello, or a foreign \`Origin\` |
| ${CLOSE_BAD_MESSAGE} | a binary frame |
| ${CLOSE_PROTOCOL_VERSION} | the hello asked for a protocol major this service does not speak (after a \`protocol-version\` error frame) |
| ${CLOSE_THROTTLED} | too many wrong hellos: try again later |
| 1009 | a frame over ${(16 * MAX_PAYLOAD_BYTES) / 1024} KiB |
| ${CLOSE_INTERNAL} | the service failed on this connection's message (logged); other connections go on |

## Limits

- An \`input\` over ${MAX_PAYLOAD_BYTES / 1024} KiB of JSON, or nested deeper than ${MAX_PAYLOAD_DEPTH} levels, is refused with \`invalid-input\`; a frame over
  ${(16 * MAX_PAYLOAD_BYTES) / 1024} KiB closes the connection (1009).
- After a few wrong hellos, further wrong ones are answered one at a time, slowly; the right token
  always gets in at once.
- Input schemas are strict: an unknown field is \`invalid-input\`.

## Idempotency: retry without charging twice

A POS core retries when an answer is lost (a dropped connection, a restart of either side, a time-out).
The money-moving methods — \`payment.start\`, \`refund.start\`, \`receipt.cancel\`,
\`unknown.resolveManually\`, \`lateWatch.end\` — take an optional \`idempotencyKey\`: 8 to 64 characters
of \`A-Z a-z 0-9 . _ : -\`, chosen by the client, new for every operation it means. Make keys (and
receipt ids) hard to guess, a random UUID for example: in kiosk mode holding a key is what lets a
reconnected screen see its receipt again.

- The same key with the same input returns the result of the first call (the same \`paymentId\`, the
  same parts), whatever that operation's state is now — still at the pin pad, finished, or recovered
  after a restart — and moves no money.
- The same key with different input is refused with \`idempotency-conflict\`; the error names the first
  call's input.
- A key is scoped to its method: the same key on another method is another key.
- Concurrent calls with one key make one operation; every caller gets its id.
- Keys are journaled in the same commit as the operation they name, so they survive a crash and a
  restart, and are kept at least 48 hours; after that a key is pruned and would be new again.
- \`receipt.open\` is idempotent through its own \`id\`: opening an existing id with the same total returns it.

The key is optional for compatibility: a call without one behaves as before, and a retry of it is a
new operation. **A POS core should always send a key**: it is the only way a retry after a lost answer
cannot take the customer's money twice.

## Slips and printing

Every part of a receipt carries \`slip\` — the customer's and the cashier's copies as the terminal sent
them (lines separated by \`\\n\`), and the card scheme. Card numbers in slips are masked to the first 6
and last 4 digits before anything is stored or sent; no full card number ever crosses the bridge.

A POS core that prints the receipt (the fiscal receipt with the slips) says so with
\`receipt.open\` \`posPrints: true\`, and confirms with \`receipt.printed\` once it has printed; the receipt's
\`printed\` becomes true (a \`receipt\` event follows; a repeated confirmation changes nothing). The
kiosk's customer screen tells the customer to take a receipt only once it is printed; otherwise it
thanks them and shows the slip's key lines on screen.
`;
}
