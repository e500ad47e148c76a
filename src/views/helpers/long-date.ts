const format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

/** '2011-09-19' → "19 September 2011". */
export function longDate(isoDate: string | null | undefined): string {
  if (!isoDate) return '';
  return format.format(new Date(`${isoDate}T00:00:00Z`));
}
