import type { DB } from '../db/database.js';
import { lastSeen, MARKS_KEPT_DAYS, markSeen, questionsWithNews } from './reader-marks.js';
import { countNewAnswers, findMarks, type NewAnswers, pruneMarks, saveMarks } from './reader-marks.repository.js';
import type { Marks } from './reader-marks.table.js';

const DAY_MS = 24 * 3600 * 1000;

/** A reader's marks as read for one request. */
export interface ReaderMarks {
  visitorId: string | undefined;
  marks: Marks;
  seenAt: Date | undefined;
}

/**
 * New since your last visit: per browser (the visitor cookie, no account), the newest
 * comment it was shown on each question. Pages that are the same for every reader are
 * kept rendered (or as view models); the reader's marks are read once per request and
 * merged in, so a kept page costs one row read, plus one count query when something on
 * it is new.
 */
export function createVisits(db: DB) {
  return {
    /** The reader's marks; none for a browser without the cookie. */
    async marksOf(visitorId: string | undefined): Promise<ReaderMarks> {
      const found = visitorId ? await findMarks(db, visitorId) : undefined;
      return { visitorId, marks: found?.marks ?? {}, seenAt: found?.seenAt };
    },

    lastSeen,

    /** Answers published since the reader last opened each question, by question id (only those with some). */
    async newAnswers(
      reader: ReaderMarks,
      questions: readonly { id: number; lastAnswerId: number | null }[],
    ): Promise<Map<number, NewAnswers>> {
      const rows = await countNewAnswers(db, questionsWithNews(reader.marks, questions), reader.visitorId);
      return new Map(rows.map((row) => [row.questionId, row]));
    },

    /** The reader was shown a question up to comment `latestId`. */
    async recordVisit(reader: ReaderMarks, questionId: number, latestId: number, now = new Date()): Promise<void> {
      if (!reader.visitorId) return;
      const upToDate = (lastSeen(reader.marks, questionId) ?? -1) >= latestId;
      // Written when something changed, and at least daily, so that "not seen for 90 days" is true.
      if (upToDate && reader.seenAt && now.getTime() - reader.seenAt.getTime() < DAY_MS) return;
      await saveMarks(db, reader.visitorId, markSeen(reader.marks, questionId, latestId), now);
    },

    /** Forgets readers not seen for 90 days. */
    forgetOld(now = new Date()): Promise<number> {
      return pruneMarks(db, new Date(now.getTime() - MARKS_KEPT_DAYS * DAY_MS));
    },
  };
}

export type Visits = ReturnType<typeof createVisits>;
