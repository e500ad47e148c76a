import type { Marks } from './reader-marks.table.js';

/**
 * How many questions a browser's marks remember. A reader who opens more keeps the ones
 * seen most recently (the highest comment ids); the row stays a few kilobytes, read once
 * per page view.
 */
export const MARKS_KEPT = 500;
/** Readers not seen for this long are forgotten (their row is pruned). */
export const MARKS_KEPT_DAYS = 90;

/** The newest comment id the reader was shown on a question, if they have opened it. */
export function lastSeen(marks: Marks, questionId: number): number | undefined {
  const seen = marks[String(questionId)];
  return typeof seen === 'number' && Number.isSafeInteger(seen) ? seen : undefined;
}

/** The marks after the reader was shown a question up to comment `latestId`. Pure. */
export function markSeen(marks: Marks, questionId: number, latestId: number, kept = MARKS_KEPT): Marks {
  const next: Marks = { ...marks, [String(questionId)]: Math.max(latestId, lastSeen(marks, questionId) ?? 0) };
  const entries = Object.entries(next);
  if (entries.length <= kept) return next;
  entries.sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(entries.slice(0, kept));
}

/** Which of these questions have answers newer than the reader's mark: only those need counting. */
export function questionsWithNews(
  marks: Marks,
  questions: readonly { id: number; lastAnswerId: number | null }[],
): { questionId: number; after: number }[] {
  return questions.flatMap((q) => {
    const seen = lastSeen(marks, q.id);
    return seen !== undefined && q.lastAnswerId !== null && q.lastAnswerId > seen
      ? [{ questionId: q.id, after: seen }]
      : [];
  });
}
