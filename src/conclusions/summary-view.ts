import { questionPath } from '../questions/question.js';

/** "Summary, updated 3 May 2027": the day in words, the moment in `datetime`. */
export function summaryUpdated(at: Date): { iso: string; long: string } {
  return { iso: at.toISOString(), long: LONG_DATE.format(at) };
}

const LONG_DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

/** What the thread page shows of a question's summary, or null before one is written. */
export function summaryView(question: { slug: string; summaryHtml: string; summaryUpdatedAt: Date | null }) {
  if (question.summaryHtml === '' || !question.summaryUpdatedAt) return null;
  return {
    html: question.summaryHtml,
    updated: summaryUpdated(question.summaryUpdatedAt),
    historyUrl: summaryHistoryPath(question.slug),
  };
}

export function summaryHistoryPath(slug: string): string {
  return `${questionPath(slug)}/summary/history`;
}
