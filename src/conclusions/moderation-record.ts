/** How long a held comment waited, in words: "about 3 hours". Pure. */
export function waitInWords(seconds: number | null): string | null {
  if (seconds === null) return null;
  const units: [string, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (seconds >= size) {
      const n = Math.round(seconds / size);
      return `about ${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return 'under a minute';
}

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Removals grouped by month, newest first, each with its reasons: what the page lists. */
export function removalsByMonth(rows: readonly { month: string; reason: string | null; n: number }[]) {
  const months = new Map<
    string,
    { month: string; label: string; total: number; reasons: { reason: string; count: number }[] }
  >();
  for (const row of rows) {
    const entry = months.get(row.month) ?? {
      month: row.month,
      label: MONTH.format(new Date(`${row.month}-01T00:00:00Z`)),
      total: 0,
      reasons: [],
    };
    entry.total += row.n;
    entry.reasons.push({ reason: row.reason ?? 'No reason given', count: row.n });
    months.set(row.month, entry);
  }
  return [...months.values()];
}
