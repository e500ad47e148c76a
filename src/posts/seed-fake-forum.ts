import { mulberry32 } from '../comments/fake-thread.js';
import { seedFakeThread } from '../comments/seed-fake-thread.js';
import type { DB } from '../db/database.js';
import { insertPostWithQuestions } from './post.repository.js';

export interface SeedFakeForumOptions {
  posts: number;
  questions: number;
  /** In all, spread unevenly over the questions (a few busy threads, many quiet ones). */
  comments: number;
  /** The depth cap the threads are placed under. */
  maxDepth: number;
  seed?: number;
  /** Told after each post and each thread stored. */
  onProgress?: (stage: 'posts' | 'comments', done: number, total: number) => void;
}

const DAY_MS = 24 * 3600 * 1000;
/** Real forums: a few threads hold most of the talk. Weights are uniform^SKEW. */
const SKEW = 3;

// biome-ignore format: words read better in rows than one per line
const TOPICS = [
  'cyber norms', 'data localisation', 'internet governance', 'encryption', 'content moderation',
  'critical infrastructure', 'export controls', 'digital trade', 'privacy shields', 'spectrum policy',
  'platform liability', 'election security', 'submarine cables', 'AI safety', 'open standards',
];
// biome-ignore format: as above
const ASKS = [
  'Who decides what counts as', 'What would change if we regulated', 'Is there a treaty route for',
  'How should small states approach', 'Does voluntary reporting work for', 'What did the 2015 report say about',
  'Who pays for', 'Can civil society audit', 'Where does sovereignty end in', 'What is the evidence on',
];

/**
 * A made-up forum for measuring at size (issue 17): `posts` posts, newest published
 * yesterday and one a day before that, with `questions` questions among them (each
 * linked in its post's text, as imported questions are) and `comments` comments spread
 * unevenly over the questions through seedFakeThread (same sanitizer, placement and
 * event rows as real ones; each question's thread ends at its own time). Seeded: the same
 * options give the same forum. For development and benchmarks, never for a live forum.
 */
export async function seedFakeForum(db: DB, options: SeedFakeForumOptions): Promise<{ questionIds: number[] }> {
  const random = mulberry32(options.seed ?? 17);
  const questionIds: number[] = [];
  const now = Date.now();
  for (let p = 0; p < options.posts; p += 1) {
    const perPost = Math.floor(options.questions / options.posts) + (p < options.questions % options.posts ? 1 : 0);
    const topic = TOPICS[p % TOPICS.length] as string;
    const paragraphs = [
      `A made-up post on ${topic}, number ${p + 1}, written to see how the forum copes with many posts.`,
    ];
    const questions = [];
    let offset = paragraphs[0]?.length ?? 0;
    for (let q = 0; q < perPost; q += 1) {
      const wording = `${ASKS[Math.floor(random() * ASKS.length)]} ${topic} (${p + 1}.${q + 1})?`;
      const lead = 'Here the author wonders aloud. ';
      const paragraph = `${lead}${wording} Nobody has a settled answer yet.`;
      offset += 2; // the blank line between paragraphs
      questions.push({
        slug: `fake-${p + 1}-${q + 1}`,
        position: q,
        wording,
        quote: wording,
        quote_start: offset + lead.length,
        passage: paragraph,
      });
      paragraphs.push(paragraph);
      offset += paragraph.length;
    }
    const published = new Date(now - (p + 1) * DAY_MS).toISOString().slice(0, 10);
    await insertPostWithQuestions(
      db,
      {
        slug: `fake-post-${p + 1}`,
        title: `On ${topic}, part ${p + 1}`,
        category: 'Made-up posts',
        published_on: published,
        source_title: null,
        source_name: null,
        source_line: null,
        body: paragraphs.join('\n\n'),
      },
      questions,
    );
    options.onProgress?.('posts', p + 1, options.posts);
  }
  const rows = await db.selectFrom('questions').select('id').where('slug', 'like', 'fake-%').orderBy('id').execute();
  questionIds.push(...rows.map((row) => row.id));

  const counts = spread(options.comments, questionIds.length, random);
  let done = 0;
  for (const [index, questionId] of questionIds.entries()) {
    const count = counts[index] as number;
    if (count > 0) {
      // Threads end at different times, so "most recently active" differs from "newest".
      const end = new Date(now - Math.floor(random() * 30 * DAY_MS));
      await seedFakeThread(db, questionId, { count, maxDepth: options.maxDepth, seed: questionId, end });
    }
    done += count;
    options.onProgress?.('comments', done, options.comments);
  }
  return { questionIds };
}

/** `total` split into `parts` whole numbers with uneven, seeded weights. */
function spread(total: number, parts: number, random: () => number): number[] {
  if (parts === 0) return [];
  const weights = Array.from({ length: parts }, () => random() ** SKEW);
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  const counts = weights.map((w) => Math.floor((w / sum) * total));
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % parts, left -= 1) counts[i] = (counts[i] as number) + 1;
  return counts;
}
