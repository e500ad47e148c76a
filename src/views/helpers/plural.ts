/** `{{plural 3 "answer"}}` → "3 answers"; an irregular plural may be given third. */
export function plural(count: number, singular: string, pluralForm?: unknown): string {
  const many = typeof pluralForm === 'string' ? pluralForm : `${singular}s`;
  return `${count.toLocaleString('en-GB')} ${count === 1 ? singular : many}`;
}
