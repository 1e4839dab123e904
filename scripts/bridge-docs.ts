/**
 * `npm run docs:bridge`: writes docs/bridge/, the bridge protocol for integrators (a POS core):
 * a JSON Schema document for every method's input and output, every event's payload and the
 * frames, generated from the contract's zod schemas, and protocol.md for the rules around them.
 * `bridgeDocs()` renders everything in memory; a test compares it with what is on disk.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PROTOCOL_VERSION } from '../electron/contract/bridge-protocol.js';
import { EVENT_NAMES, METHOD_NAMES } from '../electron/contract/channels.js';
import { ALL_ERROR_CODES } from '../electron/contract/errors.js';
import { METHODS } from '../electron/contract/methods.js';
import { EVENT_SCHEMAS, OUTPUT_SCHEMAS } from '../electron/contract/schemas.js';
import { protocolMarkdown } from './bridge-docs-text.js';

export const DOCS_DIR = resolve(fileURLToPath(new URL('../docs/bridge', import.meta.url)));
export const DOCS_COMMAND = 'npm run docs:bridge';

type Json = Record<string, unknown>;

/** One schema as a document: its title, and no `additionalProperties: false` on what the service sends (a minor version may add fields; clients ignore unknown ones). */
function schemaDocument(schema: z.ZodType, title: string, io: 'input' | 'output'): string {
  const json = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    override: (ctx) => {
      if (io === 'output') delete (ctx.jsonSchema as Json).additionalProperties;
    },
  }) as Json;
  const { $schema, ...rest } = json;
  return `${JSON.stringify({ $schema, title, 'x-protocol-version': PROTOCOL_VERSION, ...rest }, null, 2)}\n`;
}

const safeId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const wireError = z.object({ code: z.string(), message: z.string(), data: z.record(z.string(), z.unknown()).optional() });

/** Frames a client sends. */
const clientFrame = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('hello'),
      token: z.string().describe('the bridge token of the configuration'),
      protocol: z.number().int().optional().describe('the major protocol version the client speaks; without it, the current one'),
    })
    .describe('the first frame, within 5 s of connecting'),
  z
    .strictObject({
      type: z.literal('invoke'),
      id: safeId.describe('chosen by the client; its result carries it back'),
      method: z.enum(METHOD_NAMES),
      input: z.record(z.string(), z.unknown()).optional().describe("the method's input (schemas/methods/<method>.input.json)"),
    })
    .describe('a call'),
]);

/** Frames the service sends. */
const serverFrame = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('ready'), protocol: z.string().describe('the protocol version the service speaks, major.minor') })
    .describe('the hello was accepted'),
  z
    .object({
      type: z.literal('result'),
      id: safeId,
      result: z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: wireError })]),
    })
    .describe("a call's answer: `value` is the method's output (schemas/methods/<method>.output.json)"),
  z.object({ type: z.literal('event'), name: z.enum(EVENT_NAMES), payload: z.unknown() }).describe('an event (schemas/events/<name>.json)'),
  z
    .object({
      type: z.literal('error'),
      code: z.enum(['bad-message', 'not-json', 'protocol-version']),
      message: z.string(),
      id: safeId.optional(),
      data: z.record(z.string(), z.unknown()).optional(),
    })
    .describe('a frame that is not a message of this protocol, or a hello for another protocol version'),
]);

/** Every file of docs/bridge/, by its path relative to it. */
export function bridgeDocs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of METHOD_NAMES) {
    files.set(`schemas/methods/${name}.input.json`, schemaDocument(METHODS[name].input, `${name} input`, 'input'));
    files.set(`schemas/methods/${name}.output.json`, schemaDocument(OUTPUT_SCHEMAS[name], `${name} output`, 'output'));
  }
  for (const name of EVENT_NAMES) files.set(`schemas/events/${name}.json`, schemaDocument(EVENT_SCHEMAS[name], `${name} event payload`, 'output'));
  files.set('schemas/frames/client.json', schemaDocument(clientFrame, 'a frame the client sends', 'input'));
  files.set('schemas/frames/server.json', schemaDocument(serverFrame, 'a frame the service sends', 'output'));
  files.set('protocol.md', protocolMarkdown({ errorCodes: ALL_ERROR_CODES }));
  return files;
}

/** Paths of the files now in `dir`, relative to it. */
export function filesOnDisk(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    let entries;
    try {
      entries = readdirSync(at, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** What on disk differs from the generated docs: missing, changed, and no longer generated files. */
export function staleDocs(dir: string, files: Map<string, string>): string[] {
  const stale: string[] = [];
  for (const [path, content] of files) {
    let onDisk: string | undefined;
    try {
      onDisk = readFileSync(join(dir, path), 'utf8');
    } catch {
      onDisk = undefined;
    }
    if (onDisk === undefined) stale.push(`${path} is missing`);
    else if (onDisk !== content) stale.push(`${path} differs`);
  }
  for (const path of filesOnDisk(dir)) if (!files.has(path)) stale.push(`${path} is no longer generated`);
  return stale;
}

function main(): void {
  const files = bridgeDocs();
  for (const path of filesOnDisk(DOCS_DIR)) if (!files.has(path)) rmSync(join(DOCS_DIR, path));
  for (const [path, content] of files) {
    mkdirSync(dirname(join(DOCS_DIR, path)), { recursive: true });
    writeFileSync(join(DOCS_DIR, path), content);
  }
  process.stdout.write(`docs/bridge: ${files.size} files for bridge protocol ${PROTOCOL_VERSION}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
