/**
 * The Socket.IO contract, shared by the server and the page script (client/live.ts).
 * Client events are `entity:verb` requests; server events say what happened.
 */
export interface FollowRequest {
  slug: string;
  /** The newest comment id the client has; it gets every approved comment newer first. */
  after?: number;
  /**
   * The newest change (`seq`) the client has seen (the page's `data-since`, then each
   * event's `seq`): it is sent every change to the question after it first (new, edited,
   * removed comments), or `resync` when that is too much or no longer kept.
   */
  since?: number;
}

export type Ack = (reply: { data?: unknown; error?: string }) => void;

export interface ClientEvents {
  follow: (request: FollowRequest, ack?: Ack) => void;
  unfollow: (request: { slug: string }, ack?: Ack) => void;
  /** The front page: answer counts of every question. */
  'questions:follow': (ack?: Ack) => void;
}

export interface LiveComment {
  id: number;
  parent_id: number | null;
  in_reply_to_id: number | null;
  author: string;
  created_at: string;
  /** The comment partial, exactly as the page renders it. */
  html: string;
  /** The question it belongs to, so a client following several can tell. */
  slug: string;
  /** The change this event reports, in the forum-wide order of the event log. */
  seq: number;
}

export interface ServerEvents {
  'comment:new': (comment: LiveComment) => void;
  'comment:update': (comment: LiveComment) => void;
  /**
   * A comment left the thread. `tombstone_html`: it has published replies, so it stays
   * in place as this (the comment partial's "Removed by a moderator" form) and its
   * replies stay under it.
   */
  'comment:remove': (removed: { id: number; slug: string; seq: number; tombstone_html?: string }) => void;
  /** A comment's vote counts changed (as they stand when sent). */
  'comment:votes': (votes: {
    id: number;
    slug: string;
    agree: number;
    disagree: number;
    pass: number;
    seq: number;
  }) => void;
  /** The question's summary was revised: `html` is the summary as the page shows it. */
  'question:summary': (summary: { slug: string; html: string; updated_at: string; seq: number }) => void;
  /** Too much changed to replay (or it is no longer kept): fetch the thread afresh. */
  resync: (resync: { slug: string }) => void;
  presence: (presence: { slug: string; count: number }) => void;
  'question:count': (count: { slug: string; answer_count: number }) => void;
  error: (error: { code: LiveErrorCode; message: string }) => void;
}

export type LiveErrorCode =
  | 'invalid'
  | 'not_found'
  | 'too_many_follows'
  | 'rate_limited'
  | 'unavailable'
  | 'signed_out';

/** The moderators' namespace `/mod`: the queue changed (held, moderated or reported). */
export interface QueueChange {
  commentId: number;
  change: 'held' | 'moderated' | 'reported';
  from?: string;
  to?: string;
  by?: string | null;
  hidden?: boolean;
}

export interface ModServerEvents {
  'queue:changed': (change: QueueChange) => void;
}

/** The only error texts that reach clients. */
export const liveErrors: Record<LiveErrorCode, string> = {
  invalid: 'That event was not understood.',
  not_found: 'There is no question with that slug.',
  too_many_follows: 'This connection follows too many questions already.',
  rate_limited: 'Too many events; slow down.',
  unavailable: 'The forum cannot reach its database just now; it will retry.',
  signed_out: 'Sign in as a moderator to follow the queue.',
};

export const questionRoom = (questionId: number) => `question:${questionId}`;
export const FRONT_PAGE_ROOM = 'questions';
