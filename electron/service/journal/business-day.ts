/** The business day of the journal, the receipt numbers and the settlement: the local calendar day. */

/** The local calendar day, YYYY-MM-DD. */
export function localDay(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
}
