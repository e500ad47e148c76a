const format = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/** "26 November 2026 at 13:05 UTC": the exact moment, for a title or a screen reader. */
export function exactTime(date: Date): string {
  return `${format.format(date)} UTC`;
}
