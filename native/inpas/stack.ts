/**
 * The one place the pin-pad stack is put together: byte stream → Link → Session → PinpadDriver,
 * from a target (serial path or host:port) or an already-open stream, and a terminal profile.
 */
import { SerialStream } from '../transport/serial.js';
import { TcpStream } from '../transport/tcp.js';
import type { ByteStream } from '../transport/types.js';
import { PinpadDriver, type DriverOptions } from './driver.js';
import { Link, type LinkOptions, type LinkTraceEvent } from './link.js';
import { Session } from './session.js';

/** Where the pin pad is. */
export type PinpadTarget =
  { readonly kind: 'serial'; readonly path: string; readonly baudRate: number } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** The target in a few words: the device path or host:port. */
export function describeTarget(target: PinpadTarget): string {
  return target.kind === 'serial' ? target.path : `${target.host}:${target.port}`;
}

/** Opens a new byte stream to the target: a serial port (8N1) or a TCP connection. */
export function openTargetStream(target: PinpadTarget): Promise<ByteStream> {
  return target.kind === 'serial'
    ? SerialStream.open({ path: target.path, baudRate: target.baudRate })
    : TcpStream.connect({ host: target.host, port: target.port });
}

export interface PinpadStack {
  readonly stream: ByteStream;
  readonly link: Link;
  readonly session: Session;
  readonly driver: PinpadDriver;
}

/** The driver's settings (the profile among them) and how the layers under it are made. */
export interface PinpadStackOptions extends Omit<DriverOptions, 'session'> {
  /** Link settings (a TCP target adds `ackOptional` unless this says otherwise). */
  readonly link?: LinkOptions;
  /** Receives every link event, from the first byte on. */
  readonly onTrace?: (event: LinkTraceEvent) => void;
  /** Opens the target's stream; default `openTargetStream`. Tests and the crash matrix pass their own. */
  readonly open?: (target: PinpadTarget) => Promise<ByteStream>;
}

/**
 * Builds the stack on an open stream. The session takes its WAIT and command-mode codes from
 * the profile. Throws a PinpadError('config') when the driver's settings are wrong; nothing is sent.
 */
export function buildPinpadStack(stream: ByteStream, options: PinpadStackOptions): PinpadStack {
  const { link: linkOptions, onTrace, open: _open, ...driverOptions } = options;
  const link = new Link(stream, linkOptions);
  try {
    if (onTrace) link.on('trace', onTrace);
    const { operations } = options.profile;
    const session = new Session(link, { waitOperation: operations.wait, commandOperation: operations.userCommand });
    const driver = new PinpadDriver({ ...driverOptions, session });
    return { stream, link, session, driver };
  } catch (error) {
    link.dispose();
    throw error;
  }
}

/** Opens the target and builds the stack on it; when building fails the new stream is closed again. */
export async function openPinpadStack(target: PinpadTarget, options: PinpadStackOptions): Promise<PinpadStack> {
  const stream = await (options.open ?? openTargetStream)(target);
  try {
    return buildPinpadStack(stream, { ...options, link: { ackOptional: target.kind === 'tcp', ...options.link } });
  } catch (error) {
    await stream.close().catch(() => undefined);
    throw error;
  }
}
