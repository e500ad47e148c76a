import { parseArgs } from 'node:util';
import { z } from 'zod';
import { seedFakeThread } from '../src/comments/seed-fake-thread.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { findQuestionBySlug, listQuestionsWithCounts } from '../src/questions/question.repository.js';
import { seedPosts } from '../src/seed.js';
import { openDatabase } from './open-database.js';

/**
 * `npm run seed:fake -- --question <slug> --comments N [--depth D] [--seed S]`: fills a
 * question with N made-up, threaded, approved comments, to see how the forum copes
 * with big threads. For development and benchmarks, never for a live forum.
 */
const USAGE = 'Usage: npm run seed:fake -- --question <slug> --comments <1-100000> [--depth <levels>] [--seed <n>]';

const argumentsSchema = z.object({
  question: z.string().min(1),
  comments: z.coerce.number().int().min(1).max(100_000),
  depth: z.coerce.number().int().min(1).max(20).optional(),
  seed: z.coerce.number().int().optional(),
});

let parsed: z.infer<typeof argumentsSchema>;
try {
  const { values } = parseArgs({
    options: {
      question: { type: 'string' },
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
  const question = await findQuestionBySlug(database.db, parsed.question);
  if (!question) {
    const slugs = (await listQuestionsWithCounts(database.db)).map((q) => `  ${q.slug}`);
    console.error(`No question "${parsed.question}". The questions are:\n${slugs.join('\n')}`);
    process.exitCode = 2;
  } else {
    const started = performance.now();
    const total = parsed.comments.toLocaleString('en-GB');
    console.log(`Storing ${total} comments (depth cap ${maxDepth}) under /questions/${question.slug}`);
    let lastShown = 0;
    await seedFakeThread(database.db, question.id, {
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
} finally {
  await database.close();
}
