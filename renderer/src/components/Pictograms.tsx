/**
 * Pictures of what to do at the pin pad (inline SVG, no external files, nothing the CSP
 * refuses): tap or insert the card, scan the QR code on its screen, press 1 to pay by QR.
 * Ink is `currentColor`; the accent (what to act on) takes the brand colour from the CSS.
 */
import type { ReactNode } from 'react';

interface PictureProps {
  /** The accessible name; without one the picture is decoration next to its own text. */
  readonly label?: string | undefined;
  readonly className?: string;
}

function Picture({ label, className, viewBox, children }: PictureProps & { viewBox: string; children: ReactNode }) {
  const a11y = label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true as const };
  return (
    <svg className={`picto ${className ?? ''}`} viewBox={viewBox} xmlns="http://www.w3.org/2000/svg" focusable="false" {...a11y}>
      {children}
    </svg>
  );
}

/** The pin pad's keys, 3 × 4, with key 1 drawn as the accent when asked. */
function Keypad({ x, y, keyWidth, gap, accentOne }: { x: number; y: number; keyWidth: number; gap: number; accentOne: boolean }) {
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
  const h = keyWidth * 0.62;
  return (
    <g>
      {keys.map((label, i) => {
        const kx = x + (i % 3) * (keyWidth + gap);
        const ky = y + Math.floor(i / 3) * (h + gap);
        const accent = accentOne && label === '1';
        return (
          <g key={label}>
            <rect x={kx} y={ky} width={keyWidth} height={h} rx={h * 0.25} className={accent ? 'picto__accent' : 'picto__key'} />
            <text x={kx + keyWidth / 2} y={ky + h * 0.72} textAnchor="middle" fontSize={h * 0.62} fontWeight="700" className={accent ? 'picto__accent-ink' : 'picto__key-ink'}>
              {label}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/** A pin pad standing upright, centred at x = 180: body, screen (its content passed in), keypad, card slot at the bottom. */
function Pinpad({ screen }: { screen: ReactNode }) {
  return (
    <g>
      <rect x="100" y="20" width="160" height="300" rx="22" className="picto__body" />
      <rect x="118" y="40" width="124" height="92" rx="6" className="picto__screen" />
      {screen}
      <Keypad x={126} y={150} keyWidth={32} gap={8} accentOne={false} />
      <rect x="125" y="306" width="110" height="8" rx="4" className="picto__slot" />
    </g>
  );
}

function ContactlessWaves({ x, y, scale = 1 }: { x: number; y: number; scale?: number }) {
  return (
    <g transform={`translate(${x} ${y}) scale(${scale})`} className="picto__waves" fill="none" strokeWidth="5" strokeLinecap="round">
      <path d="M0 -10 a 14 14 0 0 1 0 20" />
      <path d="M9 -19 a 26 26 0 0 1 0 38" />
      <path d="M18 -28 a 38 38 0 0 1 0 56" />
    </g>
  );
}

function Card({ transform }: { transform: string }) {
  return (
    <g transform={transform}>
      <rect x="0" y="0" width="120" height="76" rx="9" className="picto__card" />
      <rect x="0" y="14" width="120" height="14" className="picto__card-stripe" />
      <rect x="14" y="40" width="22" height="17" rx="3" className="picto__chip" />
    </g>
  );
}

/** Tap the card on the pin pad's screen, or insert it chip first into the slot at the bottom. */
export function TapOrInsertCardPicture({ label, className }: PictureProps) {
  return (
    <Picture label={label} className={`picto--card ${className ?? ''}`} viewBox="0 0 360 470">
      <Pinpad screen={<ContactlessWaves x={168} y={86} />} />
      {/* Tap: a card held over the screen. */}
      <Card transform="translate(222 6) rotate(20)" />
      {/* Insert: a card below the pin pad going up into the slot, with an arrow. */}
      <g transform="translate(218 318) rotate(90)">
        <rect x="0" y="0" width="120" height="76" rx="9" className="picto__card" />
        <rect x="14" y="40" width="22" height="17" rx="3" className="picto__chip" />
      </g>
      <path d="M262 440 v-90 m-16 16 l16 -16 l16 16" className="picto__arrow" fill="none" strokeWidth="8" strokeLinecap="round" strokeLinejoin="round" />
    </Picture>
  );
}

/** Scan the QR code on the pin pad's screen with a phone. */
export function ScanQrPicture({ label, className }: PictureProps) {
  // A fixed QR-like pattern: finder squares in three corners and a few modules.
  const modules = [
    [3, 0], [3, 2], [0, 3], [2, 3], [3, 3], [5, 3], [4, 4], [6, 4], [3, 5], [5, 5], [4, 6], [6, 6],
  ];
  const cell = 9;
  const qx = 148;
  const qy = 46;
  const finder = (fx: number, fy: number) => (
    <g key={`${fx}-${fy}`}>
      <rect x={qx + fx * cell} y={qy + fy * cell} width={cell * 3} height={cell * 3} className="picto__ink" />
      <rect x={qx + fx * cell + cell * 0.6} y={qy + fy * cell + cell * 0.6} width={cell * 1.8} height={cell * 1.8} className="picto__screen" />
      <rect x={qx + fx * cell + cell} y={qy + fy * cell + cell} width={cell} height={cell} className="picto__ink" />
    </g>
  );
  return (
    <Picture label={label} className={`picto--qr ${className ?? ''}`} viewBox="0 0 280 340">
      <Pinpad
        screen={
          <g>
            <rect x={qx - 6} y={qy - 4} width={cell * 7 + 12} height={cell * 7 + 8} className="picto__screen" />
            {finder(0, 0)}
            {finder(4, 0)}
            {finder(0, 4)}
            {modules.map(([mx, my]) => (
              <rect key={`${mx}-${my}`} x={qx + mx! * cell} y={qy + my! * cell} width={cell} height={cell} className="picto__ink" />
            ))}
          </g>
        }
      />
      {/* The phone in front of the screen, and the scan beam. */}
      <path d="M84 62 L146 46 M92 170 L146 110" className="picto__beam" fill="none" strokeWidth="4" strokeDasharray="8 8" />
      <g transform="translate(6 50) rotate(-8)">
        <rect x="0" y="0" width="82" height="150" rx="14" className="picto__phone" />
        <rect x="8" y="18" width="66" height="108" rx="4" className="picto__accent" />
        <path d="M24 72 l12 12 l22 -26" fill="none" className="picto__tick" strokeWidth="8" strokeLinecap="round" strokeLinejoin="round" />
      </g>
    </Picture>
  );
}

/** Press key 1 on the pin pad to pay by QR instead. */
export function PressOnePicture({ label, className }: PictureProps) {
  return (
    <Picture label={label} className={`picto--key1 ${className ?? ''}`} viewBox="0 0 200 190">
      <rect x="4" y="4" width="192" height="182" rx="16" className="picto__body" />
      <Keypad x={18} y={16} keyWidth={50} gap={10} accentOne />
      <rect x="11" y="9" width="64" height="45" rx="12" className="picto__ring" fill="none" strokeWidth="5" />
    </Picture>
  );
}

/** The small card and QR signs on the method buttons. */
export function CardSign({ className }: { className?: string }) {
  return (
    <Picture className={`picto--sign ${className ?? ''}`} viewBox="0 0 130 90">
      <Card transform="translate(5 7)" />
    </Picture>
  );
}

export function QrSign({ className }: { className?: string }) {
  const cells = [
    [0, 0, 3], [4, 0, 3], [0, 4, 3],
  ] as const;
  return (
    <Picture className={`picto--sign ${className ?? ''}`} viewBox="0 0 80 80">
      <rect x="0" y="0" width="80" height="80" rx="8" className="picto__screen" />
      {cells.map(([x, y, s]) => (
        <g key={`${x}-${y}`}>
          <rect x={6 + x * 10} y={6 + y * 10} width={s * 10} height={s * 10} className="picto__ink" />
          <rect x={13 + x * 10} y={13 + y * 10} width={s * 10 - 14} height={s * 10 - 14} className="picto__screen" />
        </g>
      ))}
      <rect x="46" y="46" width="10" height="10" className="picto__ink" />
      <rect x="60" y="56" width="10" height="14" className="picto__ink" />
      <rect x="46" y="62" width="8" height="8" className="picto__ink" />
    </Picture>
  );
}
