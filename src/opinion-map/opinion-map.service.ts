import type { DB } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import type { LoggedEvent } from '../events/forum-event.js';
import type { SettingsSource } from '../settings/settings.service.js';
import { questionVotes, type VoterVotes } from '../votes/vote.repository.js';
import type { VoteChoice } from '../votes/vote.table.js';
import { computeOpinionMap, type MapVote, type OpinionMap } from './opinion-map.js';

/** Votes arrive in bursts (a reader goes down a page): one recomputation per pause. */
export const RECOMPUTE_DELAY_MS = 1_000;
/** A comment is placed on the map once this many readers have voted on it. */
export const MIN_VOTES_PER_COMMENT = 3;

const VALUE: Record<VoteChoice, MapVote['vote']> = { agree: 1, disagree: -1, pass: 0 };

export interface KeptMap {
  map: OpinionMap;
  computedAt: Date;
}

/**
 * The opinion maps this process keeps, one per question, served from memory. A consumer
 * of the event log: a vote, or a comment published or removed, schedules the question's
 * map to be made again after a pause; until then the kept one is served. Each new map
 * is matched to the one before, so unchanged groups keep their ids and colours.
 */
export function createOpinionMaps(deps: { db: DB; log: EventLog; settings: SettingsSource; delayMs?: number }) {
  const { db, log, settings } = deps;
  const delayMs = deps.delayMs ?? RECOMPUTE_DELAY_MS;
  const kept = new Map<number, KeptMap>();
  const computing = new Map<number, Promise<KeptMap>>();
  const timers = new Map<number, NodeJS.Timeout>();
  let closed = false;

  async function compute(questionId: number): Promise<KeptMap> {
    const rules = await settings.current();
    const votes = toMapVotes(await questionVotes(db, questionId));
    const previous = kept.get(questionId)?.map.groups ?? [];
    const map = computeOpinionMap(
      votes,
      { minVoters: rules.mapMinVoters, minComments: rules.mapMinComments, minVotesPerComment: MIN_VOTES_PER_COMMENT },
      previous,
    );
    const entry = { map, computedAt: new Date() };
    kept.set(questionId, entry);
    return entry;
  }

  /** One computation per question at a time; a request meanwhile waits for it. */
  function recompute(questionId: number): Promise<KeptMap> {
    const running = computing.get(questionId);
    if (running) return running;
    const next = compute(questionId).finally(() => computing.delete(questionId));
    computing.set(questionId, next);
    return next;
  }

  function schedule(questionId: number) {
    if (closed || timers.has(questionId)) return;
    const timer = setTimeout(() => {
      timers.delete(questionId);
      // A failure (the database away) leaves the kept map; the next change tries again.
      recompute(questionId).catch(() => {});
    }, delayMs);
    timer.unref();
    timers.set(questionId, timer);
  }

  log.subscribe('opinion-map', (events: LoggedEvent[]) => {
    for (const event of events) {
      if (!changesMap(event)) continue;
      // Only questions someone has looked at are kept; the rest are made when asked for.
      if (kept.has(event.questionId)) schedule(event.questionId);
    }
  });

  return {
    /** The kept map, made now the first time a question's is asked for. */
    async get(questionId: number): Promise<KeptMap> {
      return kept.get(questionId) ?? (await recompute(questionId));
    },
    /** The kept map if there is one (never waits); otherwise starts making it. */
    peek(questionId: number): OpinionMap | undefined {
      const entry = kept.get(questionId);
      if (!entry && !closed) recompute(questionId).catch(() => {});
      return entry?.map;
    },
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type OpinionMaps = ReturnType<typeof createOpinionMaps>;

export function toMapVotes(voters: readonly VoterVotes[]): MapVote[] {
  return voters.flatMap(({ visitorId, commentIds, choices }) =>
    commentIds.map((commentId, index) => ({ voter: visitorId, commentId, vote: VALUE[choices[index] as VoteChoice] })),
  );
}

function changesMap(event: LoggedEvent): event is LoggedEvent & { questionId: number } {
  switch (event.type) {
    case 'comment.voted':
    case 'comment.published':
    case 'comment.removed':
      return true;
    default:
      return false;
  }
}
