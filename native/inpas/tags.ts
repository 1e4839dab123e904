/** Field numbers (tags) of the Inpas SA protocol. See docs/terminal-profile.md for what is assumed. */
export const Tag = {
  amount: 0,
  additionalAmount: 1,
  currency: 4,
  hostDateTime: 6,
  entryMode: 8,
  cardNumber: 10,
  cardExpiry: 11,
  track2: 12,
  authCode: 13,
  rrn: 14,
  responseCode: 15,
  resultText: 19,
  tillDateTime: 21,
  commServerTxnId: 23,
  operation: 25,
  ecrNumber: 26,
  terminalId: 27,
  merchantId: 28,
  originalOperation: 34,
  status: 39,
  hostTxnId: 54,
  emvData: 55,
  cardWaitTimeout: 57,
  serialNumber: 63,
  commandMode1: 64,
  commandMode2: 65,
  commandMode3: 66,
  commandResult: 67,
  commandData: 70,
  screenText: 71,
  cashierRequest: 76,
  cashierAnswer: 77,
  model: 89,
  slip: 90,
  // 102–108: one public SA field list names them; terminals that do not send them lose nothing.
  applicationSetting: 102,
  osVersion: 103,
  hostTerminalId: 104,
  bankName: 105,
  connectorStatus: 106,
  tillCompletionStatus: 107,
  slipNumber: 108,
} as const;

/** Fields whose values are bytes, not CP1251 text. */
export const BINARY_TAGS: ReadonlySet<number> = new Set([55, 59, 69, 70, 86, 91, 96]);

/**
 * Field 39 values, as the public DualConnector enums (1.3.9.1 and 2.0.0.1) name them.
 * Only APPROVED means success.
 */
export const TxnStatus = {
  NOT_PERFORMED: 0,
  APPROVED: 1,
  APPROVED_WITH_CONDITIONS: 2,
  REVERSED: 13,
  DECLINED: 16,
  OFFLINE: 17,
  NO_CONNECTION: 34,
  ABORTED: 53,
  VOICE_CALL_NEEDED: 101,
} as const;

/** Control bytes of the link layer. */
export const STX = 0x02;
export const SOH = 0x01;
export const EOT = 0x04;
export const ENQ = 0x05;
export const ACK = 0x06;
export const NAK = 0x15;
