/**
 * An on-screen copy of the QR code the pin pad shows, drawn as SVG from the `qrcode`
 * package's module matrix (no canvas, no data URL, nothing inline to trip the CSP), with
 * the time left before it expires.
 */
import QRCode from 'qrcode';
import { useMemo } from 'react';
import { useT } from '../context.js';
import { formatCountdown } from '../money.js';
import { useNow } from './useNow.js';

const QUIET_ZONE = 4;

function qrPath(payload: string): { size: number; d: string } | undefined {
  try {
    const { modules } = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    const n = modules.size;
    let d = '';
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        if (modules.data[y * n + x]) d += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
      }
    }
    return { size: n + 2 * QUIET_ZONE, d };
  } catch {
    // Too long or not encodable: the pin pad still shows its own; we simply show no copy.
    return undefined;
  }
}

export function QrImage({ payload }: { payload: string }) {
  const t = useT();
  const qr = useMemo(() => qrPath(payload), [payload]);
  if (!qr) return null;
  return (
    <figure className="qr">
      <svg className="qr__image" role="img" aria-label={t('qr.alt')} viewBox={`0 0 ${qr.size} ${qr.size}`} shapeRendering="crispEdges" data-qr-payload={payload}>
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={qr.d} fill="#000" />
      </svg>
      <figcaption className="qr__caption">{t('qr.copyTitle')}</figcaption>
    </figure>
  );
}

export function QrCountdown({ expiresAt }: { expiresAt: number }) {
  const t = useT();
  const now = useNow(1000);
  const left = (expiresAt - now) / 1000;
  return (
    <p className="countdown" role="timer" aria-live="off">
      {left > 0 ? t('qr.expiresIn', { time: formatCountdown(left) }) : t('qr.expired')}
    </p>
  );
}
