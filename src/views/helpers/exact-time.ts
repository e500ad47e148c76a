const format = new Intl.DateTimeFormat('en-GB', {
  // Medium ("26 Nov 2026"), not long: every comment on a thread page carries one.
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/** "26 Nov 2026, 13:05 UTC": the exact moment, for a title or a screen reader. */
export function exactTime(date: Date): string {
  return `${format.format(date)} UTC`;
}
