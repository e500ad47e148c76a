import type { DB } from '../db/database.js';
import type { Question } from './question.js';
import { questionBySlug } from './question.service.js';

/**
 * Questions by slug for the read path (the thread page), kept until the question
 * changes: a page view then needs no query of its own when its thread is rendered
 * already. Writes look the question up afresh.
 */
export function createQuestionLookup(db: DB, ttlMs: number) {
  const bySlug = new Map<string, { question: Question; expires: number }>();
  return {
    async find(slug: string, now = Date.now()): Promise<Question> {
      const hit = bySlug.get(slug);
      if (hit && hit.expires > now) return hit.question;
      const question = await questionBySlug(db, slug);
      bySlug.set(slug, { question, expires: now + ttlMs });
      return question;
    },
    forget(questionId: number): void {
      for (const [slug, entry] of bySlug) if (entry.question.id === questionId) bySlug.delete(slug);
    },
    forgetAll(): void {
      bySlug.clear();
    },
  };
}

export type QuestionLookup = ReturnType<typeof createQuestionLookup>;
