import type { DB } from '../db/database.js';
import { findOpenQuestions } from './open-questions.js';
import { insertPostWithQuestions, takenQuestionSlugs } from './post.repository.js';
import { parsePost, slugify } from './post-text.js';

export interface ImportResult {
  slug: string;
  title: string;
  /** False when the post was already there (nothing was changed). */
  created: boolean;
  questions: { slug: string; wording: string }[];
}

/**
 * Stores a post and turns each open question it asks into a question page.
 * Idempotent: a post already imported (same slug) is left as it is, so restarts never
 * duplicate and moderators' corrections to its questions are kept.
 */
export async function importPost(db: DB, text: string): Promise<ImportResult> {
  const post = parsePost(text);
  const found = findOpenQuestions(post.body);
  const taken = await takenQuestionSlugs(db);
  const questions = found.map((question, position) => {
    const slug = uniqueSlug(slugify(question.wording), taken);
    taken.add(slug);
    return {
      slug,
      position,
      wording: question.wording,
      quote: question.quote,
      quote_start: question.start,
      passage: question.passage,
    };
  });
  const id = await insertPostWithQuestions(
    db,
    {
      slug: post.slug,
      title: post.title,
      category: post.category,
      published_on: post.publishedOn,
      source_title: post.source?.title ?? null,
      source_name: post.source?.name ?? null,
      source_line: post.source?.line ?? null,
      body: post.body,
    },
    questions,
  );
  return {
    slug: post.slug,
    title: post.title,
    created: id !== undefined,
    questions: questions.map(({ slug, wording }) => ({ slug, wording })),
  };
}

function uniqueSlug(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }
}
