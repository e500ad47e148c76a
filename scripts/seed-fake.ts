import { parseArgs } from 'node:util';
import { z } from 'zod';
import { seedFakeThread } from '../src/comments/seed-fake-thread.js';
import { loadConfig } from '../src/config.js';
import type { DB } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { seedFakeForum } from '../src/posts/seed-fake-forum.js';
import { findQuestionBySlug, listQuestionsWithCounts } from '../src/questions/question.repository.js';
import { seedPosts } from '../src/seed.js';
import { openDatabase } from './open-database.js';

/**
 * `npm run seed:fake -- --question <slug> --comments N [--depth D] [--seed S]`: fills a
 * question with N made-up, threaded, approved comments, to see how the forum copes
 * with big threads.
 * `npm run seed:fake -- --posts P [--questions Q] [--comments N]`: adds P made-up posts
 * with Q questions among them (default 10 a post) and N comments spread over those
 * (default 20 a question), to see how it copes with many posts (issue 17: 500 posts,
 * 5,000 questions, 1,000,000 comments). For development and benchmarks, never for a
 * live forum.
 */
const USAGE = [
  'Usage: npm run seed:fake -- --question <slug> --comments <1-100000> [--depth <levels>] [--seed <n>]',
  '   or: npm run seed:fake -- --posts <1-5000> [--questions <n>] [--comments <0-1000000>] [--depth <levels>] [--seed <n>]',
].join('\n');

const depth = z.coerce.number().int().min(1).max(20).optional();
const seed = z.coerce.number().int().optional();
const argumentsSchema = z.union([
  z.object({
    question: z.string().min(1),
    comments: z.coerce.number().int().min(1).max(100_000),
    depth,
    seed,
  }),
  z.object({
    posts: z.coerce.number().int().min(1).max(5_000),
    questions: z.coerce.number().int().min(0).max(50_000).optional(),
    comments: z.coerce.number().int().min(0).max(1_000_000).optional(),
    depth,
    seed,
  }),
]);

let parsed: z.infer<typeof argumentsSchema>;
try {
  const { values } = parseArgs({
    options: {
      question: { type: 'string' },
      posts: { type: 'string' },
      questions: { type: 'string' },
      comments: { type: 'string' },
      depth: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  parsed = argumentsSchema.parse(values);
} catch (error) {
  const problems =
    error instanceof z.ZodError
      ? error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`)
      : [(error as Error).message];
  console.error(`${problems.join('\n')}\n${USAGE}`);
  process.exit(2);
}

const config = loadConfig();
const maxDepth = parsed.depth ?? config.forum.maxThreadDepth;
const database = await openDatabase(config);
try {
  // A database the server has never started on gets its schema and posts first.
  await migrateToLatest(database.db);
  await seedPosts(database.db, config.seedDir);
  if ('posts' in parsed) await seedForum(database.db, parsed);
  else await seedThread(database.db, parsed);
} finally {
  await database.close();
}

async function seedForum(db: DB, options: { posts: number; questions?: number; comments?: number; seed?: number }) {
  const questions = options.questions ?? options.posts * 10;
  const comments = options.comments ?? questions * 20;
  const started = performance.now();
  const say = (n: number) => n.toLocaleString('en-GB');
  console.log(`Storing ${say(options.posts)} posts, ${say(questions)} questions and ${say(comments)} comments`);
  let lastShown = '';
  await seedFakeForum(db, {
    posts: options.posts,
    questions,
    comments,
    maxDepth,
    seed: options.seed,
    onProgress(stage, done, total) {
      const line = `  ${stage}: ${say(done)} / ${say(total)}`;
      if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
      else if (`${stage}${Math.floor((done / Math.max(total, 1)) * 10)}` !== lastShown) console.log(line);
      lastShown = `${stage}${Math.floor((done / Math.max(total, 1)) * 10)}`;
    },
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  console.log(`Stored in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

async function seedThread(db: DB, parsed: { question: string; comments: number; seed?: number }) {
  const question = await findQuestionBySlug(db, parsed.question);
  if (!question) {
    const slugs = (await listQuestionsWithCounts(db)).map((q) => `  ${q.slug}`);
    console.error(`No question "${parsed.question}". The questions are:\n${slugs.join('\n')}`);
    process.exitCode = 2;
  } else {
    const started = performance.now();
    const total = parsed.comments.toLocaleString('en-GB');
    console.log(`Storing ${total} comments (depth cap ${maxDepth}) under /questions/${question.slug}`);
    let lastShown = 0;
    await seedFakeThread(db, question.id, {
      count: parsed.comments,
      maxDepth,
      seed: parsed.seed,
      onProgress(stored, count) {
        const percent = Math.floor((stored / count) * 100);
        // A line per tenth on a log, one line redrawn on a terminal.
        if (process.stdout.isTTY) process.stdout.write(`\r  ${stored.toLocaleString('en-GB')} / ${total}`);
        else if (Math.floor(percent / 10) > lastShown) console.log(`  ${stored.toLocaleString('en-GB')} / ${total}`);
        lastShown = Math.floor(percent / 10);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    if (process.stdout.isTTY) process.stdout.write('\n');
    const rate = Math.round(parsed.comments / seconds).toLocaleString('en-GB');
    console.log(`Stored ${total} comments in ${seconds.toFixed(1)} s (${rate} a second).`);
  }
}
