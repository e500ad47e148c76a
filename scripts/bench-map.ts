import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { seedFakeThread } from '../src/comments/seed-fake-thread.js';
import { connectDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { computeOpinionMap, type MapVote, type VoteValue } from '../src/opinion-map/opinion-map.js';
import { MIN_VOTES_PER_COMMENT, toMapVotes } from '../src/opinion-map/opinion-map.service.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { listQuestionsWithCounts } from '../src/questions/question.repository.js';
import { seedPosts } from '../src/seed.js';
import { questionVotes } from '../src/votes/vote.repository.js';

/**
 * `npm run bench:map`: how long the opinion map takes to make for 2,000 voters × 300
 * comments (issue 13's target: under 2 s). Three camps of readers with one vote in ten
 * against their camp; measured as the background recomputation does it: the votes read
 * from the database (DATABASE_URL, or an embedded one in a temporary folder), then the
 * pure computation. Also the computation alone when every voter voted on only 60 comments.
 */
const VOTERS = 2_000;
const COMMENTS = 300;
const RUNS = 3;
const RULES = { minVoters: 7, minComments: 3, minVotesPerComment: MIN_VOTES_PER_COMMENT };

/** A small seeded generator (mulberry32): the same votes on every run. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function plantedVotes(commentIds: readonly number[], perVoter: number): MapVote[] {
  const next = random(13);
  const votes: MapVote[] = [];
  for (let voter = 0; voter < VOTERS; voter += 1) {
    const camp = voter % 3;
    const chosen =
      perVoter >= commentIds.length ? commentIds : commentIds.filter(() => next() < perVoter / commentIds.length);
    for (const commentId of chosen) {
      const leaning: VoteValue = commentId % 3 === camp ? 1 : commentId % 3 === (camp + 1) % 3 ? -1 : 0;
      const vote = (next() < 0.1 ? -leaning || 1 : leaning) as VoteValue;
      votes.push({ voter: `v${voter}`, commentId, vote });
    }
  }
  return votes;
}

/** Wall time, and this process's CPU time (less disturbed by other work on a shared machine). */
function time<T>(work: () => T): { result: T; ms: number; cpuMs: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(cpu);
  return { result, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** `--no-database`: the computation alone, on made-up comment ids. */
function computeOnly() {
  const ids = Array.from({ length: COMMENTS }, (_, index) => index + 1);
  for (const [label, votes] of [
    ['every voter on every comment', plantedVotes(ids, COMMENTS)],
    ['~60 votes per voter', plantedVotes(ids, 60)],
  ] as const) {
    const runs = Array.from({ length: RUNS }, () => time(() => computeOpinionMap(votes, RULES)));
    const groups = runs[0]?.result.groups.length;
    console.log(
      `compute, ${label} (${votes.length.toLocaleString('en-GB')} votes): ` +
        `${(median(runs.map((run) => run.ms)) / 1000).toFixed(2)} s wall, ` +
        `${(median(runs.map((run) => run.cpuMs)) / 1000).toFixed(2)} s CPU (${groups} groups found, 3 planted)`,
    );
  }
}

async function main() {
  if (process.argv.includes('--no-database')) return computeOnly();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oq-bench-map-'));
  const database = await connectDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir });
  try {
    await migrateToLatest(database.db);
    await seedPosts(database.db, path.join(PROJECT_ROOT, 'seed'));
    // A question of its own (the last seeded), its comments made up, its votes cleared first.
    const question = (await listQuestionsWithCounts(database.db)).at(-1);
    if (!question) throw new Error('The seed has no questions');
    await sql`delete from comments where question_id = ${question.id}`.execute(database.db);
    await seedFakeThread(database.db, question.id, { count: COMMENTS, maxDepth: 1 });
    const ids = (
      await database.db.selectFrom('comments').select('id').where('question_id', '=', question.id).execute()
    ).map((row) => row.id);
    const votes = plantedVotes(ids, COMMENTS);
    const choice = { 1: 'agree', [-1]: 'disagree', 0: 'pass' } as const;
    for (let start = 0; start < votes.length; start += 5_000) {
      await database.db
        .insertInto('comment_votes')
        .values(
          votes.slice(start, start + 5_000).map((vote) => ({
            comment_id: vote.commentId,
            question_id: question.id,
            visitor_id: vote.voter,
            vote: choice[vote.vote],
          })),
        )
        .execute();
    }
    await sql`vacuum analyze comment_votes`.execute(database.db);
    console.log(`${votes.length.toLocaleString('en-GB')} votes stored (${database.kind} database)`);

    const read: number[] = [];
    const computed: number[] = [];
    const computedCpu: number[] = [];
    let groups = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const start = performance.now();
      const mapVotes = toMapVotes(await questionVotes(database.db, question.id));
      read.push(performance.now() - start);
      const { result, ms, cpuMs } = time(() => computeOpinionMap(mapVotes, RULES));
      computed.push(ms);
      computedCpu.push(cpuMs);
      groups = result.groups.length;
    }
    const sparse = plantedVotes(ids, 60);
    const sparseRuns = Array.from({ length: RUNS }, () => time(() => computeOpinionMap(sparse, RULES)).ms);

    const figure = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`Map of ${VOTERS.toLocaleString('en-GB')} voters × ${COMMENTS} comments, median of ${RUNS}:`);
    console.log(`  read the votes:   ${figure(median(read))}`);
    console.log(
      `  compute the map:  ${figure(median(computed))} (CPU ${figure(median(computedCpu))}; ${groups} groups found, 3 planted)`,
    );
    console.log(`  together:         ${figure(median(read) + median(computed))}`);
    console.log(
      `  compute, sparse (${sparse.length.toLocaleString('en-GB')} votes, ~60 per voter): ${figure(median(sparseRuns))}`,
    );
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
