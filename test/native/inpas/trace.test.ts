import { describe, expect, it } from 'vitest';
import { containsCardData, maskPan, scrubText } from '../../../native/inpas/card-data.js';
import { encodeFrame } from '../../../native/inpas/codec.js';
import { Message } from '../../../native/inpas/message.js';
import { describeMessage, formatTrace, redactedFrameHex } from '../../../native/inpas/trace.js';

// A Luhn-valid Mir test number and a track 2 built from it.
const PAN = '2200700123456781';
const TRACK2 = `${PAN}=29122011234500000000`;

describe('card data masking', () => {
  it('masks a card number to the first 6 and last 4 digits', () => {
    expect(maskPan(PAN)).toBe('220070******6781');
    expect(maskPan('220070******6781')).toBe('220070******6781');
    expect(maskPan('1234')).toBe('****');
  });

  it('finds full card numbers and track 2 in text, and scrubs them', () => {
    expect(containsCardData(`КАРТА: ${PAN}`)).toBe(true);
    expect(containsCardData(TRACK2)).toBe(true);
    expect(containsCardData('КАРТА: 220070******6781')).toBe(false);
    // A timestamp is not a card number even where its Luhn sum fits.
    expect(containsCardData('20261127221000 20261127221001 20261127221002 20261127221003 20261127221004')).toBe(false);
    const scrubbed = scrubText(`КАРТА: ${PAN}, ТРЕК ${TRACK2}`);
    expect(containsCardData(scrubbed)).toBe(false);
    expect(scrubbed).toContain('220070******6781');
  });
});

describe('frame trace', () => {
  const frame = encodeFrame(
    Message.of({ 10: PAN, 12: TRACK2, 14: '000818253001', 19: 'ОДОБРЕНО', 25: '1', 39: '1', 90: `0xDF^^КАРТА: ${PAN}~ОДОБРЕНО0xDD^^` }),
  );
  const message = Message.of({ 10: PAN, 12: TRACK2, 14: '000818253001', 19: 'ОДОБРЕНО', 25: '1', 39: '1', 90: `0xDF^^КАРТА: ${PAN}~ОДОБРЕНО0xDD^^` });

  it('never shows card data, in the hex or in the decoded fields', () => {
    const line = formatTrace({ direction: 'rx', kind: 'frame', raw: frame, message });
    expect(containsCardData(line)).toBe(false);
    // The digits of the card number do not survive as ASCII hex either.
    expect(line).not.toContain(Buffer.from(PAN).toString('hex').replace(/(..)/g, '$1 ').trim());
    expect(line).toContain('220070******6781');
    expect(line).toContain('12(track2)=[hidden');
    expect(line).toContain('"ОДОБРЕНО"');
  });

  it('keeps the hex of harmless fields so a frame can be compared byte by byte', () => {
    const hex = redactedFrameHex(frame);
    const rrn = Buffer.from('000818253001').toString('hex').replace(/(..)/g, '$1 ').trim();
    expect(hex).toContain(rrn);
    expect(hex.split(' ')).toHaveLength(frame.length);
    expect(describeMessage(Message.of({ 55: Buffer.from([0x5a, 0x08]) }))).toBe('55(emvData)=[hidden, 2 B]');
  });
});
