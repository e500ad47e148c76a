import type { EventLog } from '../events/event-log.js';
import { notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import { formatRange, parseIp } from '../moderation/ip-range.js';
import { findVote, lockVotedComment, saveVote, type VoteCounts } from './vote.repository.js';
import type { VoteChoice } from './vote.table.js';

export interface Voter {
  visitorId: string;
  ip: string | null;
}

/**
 * Readers' votes: one per browser per comment, a new one replacing the old, on public
 * comments only. A change is written with its `comment.voted` event; the counts on the
 * page, the live counts and the opinion map follow from the event. A vote never moves
 * a comment: the thread's order is by path alone.
 */
export function createVoteService(deps: { log: EventLog }) {
  const { log } = deps;

  async function castVote(commentId: number, choice: VoteChoice, voter: Voter, now = new Date()): Promise<VoteCounts> {
    return await log.transaction(async (tx, record) => {
      const comment = await lockVotedComment(tx, commentId);
      if (comment?.status !== 'approved') throw notFound(messages.commentNotFound);
      const before = await findVote(tx, commentId, voter.visitorId);
      const counts = await saveVote(tx, {
        commentId,
        questionId: comment.question_id,
        visitorId: voter.visitorId,
        choice,
        ip: voter.ip,
        ipRange: voter.ip === null ? null : addressRange(voter.ip),
        now,
      });
      // The same vote again changes nothing anyone sees.
      if (before !== choice) await record({ type: 'comment.voted', questionId: comment.question_id, commentId });
      return counts;
    });
  }

  return { castVote };
}

export type VoteService = ReturnType<typeof createVoteService>;

/** The network an address belongs to, as moderators look for brigades: /24 for IPv4, /48 for IPv6. */
export function addressRange(ip: string): string | null {
  const address = parseIp(ip);
  if (!address) return null;
  const bits = address.version === 4 ? 32 : 128;
  const prefix = address.version === 4 ? 24 : 48;
  const hostBits = BigInt(bits - prefix);
  return formatRange({ version: address.version, network: (address.value >> hostBits) << hostBits, prefix });
}
