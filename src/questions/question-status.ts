/**
 * A question's status where the forum keeps one (conclusions, issue 14, adds a `status`
 * column to questions), as lists show it; null where there is none. The one place lists
 * read it, so they show statuses as soon as the column exists, and nothing before.
 */
export interface StatusView {
  key: string;
  label: string;
}

export function statusView(row: object): StatusView | null {
  const status = (row as { status?: unknown }).status;
  if (typeof status !== 'string' || status === '') return null;
  const words = status.replaceAll(/[-_]/g, ' ');
  return { key: status, label: words.charAt(0).toUpperCase() + words.slice(1) };
}
