/** docs/bridge/ is generated from the contract (`npm run docs:bridge`) and must not be stale. */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../electron/contract/bridge-protocol.js';
import { EVENT_NAMES, METHOD_NAMES } from '../../electron/contract/channels.js';
import { ALL_ERROR_CODES } from '../../electron/contract/errors.js';
import { bridgeDocs, DOCS_COMMAND, DOCS_DIR, staleDocs } from '../../scripts/bridge-docs.js';

describe('docs/bridge', () => {
  const files = bridgeDocs();

  it('is up to date with the contract', () => {
    const stale = staleDocs(DOCS_DIR, files);
    expect(stale, `docs/bridge/ is stale; run \`${DOCS_COMMAND}\` and commit the result:\n${stale.join('\n')}`).toEqual([]);
  });

  it('has an input and an output schema for every method and a payload schema for every event', () => {
    for (const name of METHOD_NAMES) {
      for (const io of ['input', 'output']) {
        const doc = JSON.parse(files.get(`schemas/methods/${name}.${io}.json`) ?? 'null') as { title?: string; 'x-protocol-version'?: string } | null;
        expect(doc?.title, `${name} ${io}`).toBe(`${name} ${io}`);
        expect(doc?.['x-protocol-version']).toBe(PROTOCOL_VERSION);
      }
    }
    for (const name of EVENT_NAMES) expect(files.has(`schemas/events/${name}.json`), name).toBe(true);
  });

  it('input schemas refuse unknown fields; output schemas let a minor version add fields', () => {
    const input = JSON.parse(files.get('schemas/methods/payment.start.input.json')!) as { additionalProperties?: unknown; required?: string[] };
    expect(input.additionalProperties).toBe(false);
    expect(input.required).toEqual(expect.arrayContaining(['receiptId', 'method', 'amount']));
    const output = JSON.parse(files.get('schemas/methods/receipt.get.output.json')!) as { additionalProperties?: unknown; required?: string[] };
    expect(output.additionalProperties).toBeUndefined();
    expect(output.required).toEqual(expect.arrayContaining(['parts', 'posPrints', 'printed']));
  });

  it('protocol.md names the version and every error code, method and event', () => {
    const md = files.get('protocol.md')!;
    expect(md).toContain(`# The bridge protocol, version ${PROTOCOL_VERSION}`);
    for (const code of ALL_ERROR_CODES) expect(md, code).toContain(`| \`${code}\` |`);
    for (const name of METHOD_NAMES) expect(md, name).toContain(`| \`${name}\` |`);
    for (const name of EVENT_NAMES) expect(md, name).toContain(`| \`${name}\` |`);
    expect(md).toContain('idempotency-conflict');
  });
});
