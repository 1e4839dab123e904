import { describe, expect, it } from 'vitest';
import { Journal } from '../../../electron/service/journal/journal.js';
import { receiptNumber } from '../../../electron/service/journal/receipt-numbers.js';

/** A journal with three receipts: a card payment, an SBP payment and one with no payment yet. */
function seeded(): { journal: Journal; coffee: string; bread: string; milk: string } {
  let clock = Date.parse('2026-03-10T09:00:00Z');
  const journal = new Journal(':memory:', { now: () => new Date((clock += 60_000)) });
  const coffee = journal.createReceipt({ lines: [{ name: 'Кофе с молоком', quantity: 1, amount: 25_000 }], total: 25_000 });
  const card = journal.createPart({ receiptId: coffee, kind: 'payment', method: 'card', amount: 25_000, needsEcrNumber: true, businessDay: '2026-03-10' });
  journal.transition(card.id, 'SENT');
  journal.transition(card.id, 'APPROVED', { rrn: '612345678901', authCode: 'A1B2C3', cardMasked: '220070******4321' });
  const bread = journal.createReceipt({ lines: [{ name: 'Хлеб бородинский', quantity: 2, amount: 9_000 }], total: 9_000 });
  const sbp = journal.createPart({ receiptId: bread, kind: 'payment', method: 'sbp', amount: 9_000, needsEcrNumber: true, businessDay: '2026-03-10' });
  journal.transition(sbp.id, 'SENT');
  journal.transition(sbp.id, 'APPROVED', { rrn: '612345678999' });
  const milk = journal.createReceipt({ lines: [{ name: 'Молоко 100%', quantity: 1, amount: 8_000 }], total: 8_000 });
  return { journal, coffee, bread, milk };
}

describe('receipt search', () => {
  it('finds a receipt by RRN, by till transaction number and by the last 4 card digits', () => {
    const { journal, coffee, bread } = seeded();
    try {
      expect(journal.searchReceipts({ text: '612345678901' })).toEqual([coffee]);
      expect(journal.searchReceipts({ text: ' 612345678999 ' })).toEqual([bread]);
      const ecr = journal.partsOf(bread)[0]!.ecrNumber!;
      expect(journal.searchReceipts({ text: String(ecr) })).toContain(bread);
      expect(journal.searchReceipts({ text: '4321' })).toEqual([coffee]);
    } finally {
      journal.close();
    }
  });

  it('finds a receipt by the short number a cashier reads out, and a day by its date', () => {
    const { journal, coffee, bread, milk } = seeded();
    try {
      const short = receiptNumber(journal.db, milk)!;
      expect(short.number).toBe(3);
      expect(journal.searchReceipts({ text: '3' })).toContain(milk);
      expect(journal.searchReceipts({ text: short.day })).toEqual([milk, bread, coffee]);
      expect(journal.searchReceipts({ text: '2026-03-11' })).toEqual([]);
    } finally {
      journal.close();
    }
  });

  it('finds a receipt by its id or the beginning of it, and by line text in any letter case', () => {
    const { journal, coffee, bread, milk } = seeded();
    try {
      expect(journal.searchReceipts({ text: bread })).toEqual([bread]);
      expect(journal.searchReceipts({ text: coffee.slice(0, 8).toUpperCase() })).toContain(coffee);
      expect(journal.searchReceipts({ text: 'МОЛОК' })).toEqual([milk, coffee]);
      expect(journal.searchReceipts({ text: 'бородинский' })).toEqual([bread]);
      // LIKE wildcards in the text are plain characters; JSON keys of a line are not its text.
      expect(journal.searchReceipts({ text: '100%' })).toEqual([milk]);
      expect(journal.searchReceipts({ text: '_' })).toEqual([]);
      expect(journal.searchReceipts({ text: 'quantity' })).toEqual([]);
    } finally {
      journal.close();
    }
  });

  it('without text lists the newest receipts first, within the limit', () => {
    const { journal, coffee, bread, milk } = seeded();
    try {
      expect(journal.searchReceipts()).toEqual([milk, bread, coffee]);
      expect(journal.searchReceipts({ text: '   ', limit: 2 })).toEqual([milk, bread]);
      expect(journal.searchReceipts({ text: 'нет такого' })).toEqual([]);
    } finally {
      journal.close();
    }
  });

  it('"3", "№ 3" and "Чек № 3" mean the receipt a staff member reads on screen; the journal shows its number and amounts', () => {
    const { journal, coffee, milk } = seeded();
    try {
      for (const text of ['3', '№ 3', 'Чек № 3', 'чек №3', ' Receipt no. 3 ']) expect(journal.findReceiptId(text), text).toBe(milk);
      expect(journal.searchReceipts({ text: 'Чек № 1' })).toEqual([coffee]);
      expect(journal.findReceiptId(coffee)).toBe(coffee);
      expect(journal.findReceiptId('Чек № 99')).toBeUndefined();
      expect(journal.findReceiptId('кофе')).toBeUndefined();
      const rows = journal.audit({ receiptId: coffee });
      expect(rows.every((r) => r.receiptNumber === 1)).toBe(true);
      expect(rows.find((r) => r.event === 'receipt-opened')?.amount).toBe(25_000);
      expect(rows.find((r) => r.event === 'sale-approved' || r.toState === 'APPROVED')?.amount).toBe(25_000);
    } finally {
      journal.close();
    }
  });
});
