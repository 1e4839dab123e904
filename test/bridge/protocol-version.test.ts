/** The protocol version: `ready` names it; a hello for another major gets a typed error and a close code, not silence; a hello without one still works. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../electron/contract/bridge-client.js';
import { CLOSE_PROTOCOL_VERSION, PROTOCOL_VERSION, SUPPORTED_MAJORS } from '../../electron/contract/bridge-protocol.js';
import { ERROR_TABLE, KioskError } from '../../electron/contract/errors.js';
import { nodeSocket, startRig, TOKEN, type Rig } from './rig.js';

/** Sends one hello on a fresh socket; resolves with what came back and how the socket ended (or was left open). */
async function helloWith(rig: Rig, hello: Record<string, unknown>): Promise<{ messages: unknown[]; close: { code: number; reason: string } | undefined }> {
  const socket = nodeSocket(rig.web.bridge.wsUrl);
  const messages: unknown[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'hello', token: TOKEN, ...hello }));
  const close = await Promise.race([closed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500))]);
  if (!close) socket.close();
  return { messages, close };
}

describe('the bridge protocol version', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);
  afterAll(async () => {
    await rig.stop();
  });

  it('is major.minor, and protocol-version is a code of the one table', () => {
    expect(PROTOCOL_VERSION).toMatch(/^\d+\.\d+$/);
    expect(SUPPORTED_MAJORS).toContain(Number(PROTOCOL_VERSION.split('.')[0]));
    expect(ERROR_TABLE['protocol-version'].layer).toBe('bridge');
  });

  it('ready carries the version, with or without a major in the hello', async () => {
    for (const hello of [{}, { protocol: SUPPORTED_MAJORS[0] }]) {
      const { messages, close } = await helloWith(rig, hello);
      expect(close).toBeUndefined();
      expect(messages).toEqual([{ type: 'ready', protocol: PROTOCOL_VERSION }]);
    }
  });

  it('a hello for a major the service does not speak gets a protocol-version error, then close 4406', async () => {
    for (const protocol of [99, 0, '1.0', null, 1.5]) {
      const { messages, close } = await helloWith(rig, { protocol });
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ type: 'error', code: 'protocol-version', data: { supported: SUPPORTED_MAJORS, version: PROTOCOL_VERSION } });
      expect((messages[0] as { message: string }).message).toContain(PROTOCOL_VERSION);
      expect(close?.code).toBe(CLOSE_PROTOCOL_VERSION);
    }
    // The service goes on for everyone else.
    expect((await rig.client.invoke('pinpad.health', {})).target).toBeTruthy();
  });

  it('the bridge client names its major and rejects with protocol-version when refused', async () => {
    const client = new BridgeClient({
      url: rig.web.bridge.wsUrl,
      token: TOKEN,
      createSocket: (url) => {
        // A client built for another major: rewrite its hello on the way out.
        const socket = nodeSocket(url);
        const send = socket.send.bind(socket);
        socket.send = ((data: string) => send(data.replace(/"protocol":\d+/, '"protocol":2'))) as typeof socket.send;
        return socket as never;
      },
    });
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KioskError);
    expect((error as KioskError).code).toBe('protocol-version');
    client.close();
  });
});
