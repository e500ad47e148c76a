import { insertComment, nextCommentId } from '../comments/comment.repository.js';
import type { CommentStatus } from '../comments/comment.table.js';
import { threadPosition } from '../comments/comment-tree.js';
import { renderCommentBody } from '../comments/sanitize.js';
import type { DB } from '../db/database.js';
import { findDiscussion } from '../discussions/discussion.repository.js';
import type { ForumEvent } from '../events/forum-event.js';
import { takenQuestionSlugs } from '../posts/post.repository.js';
import { findImported, findPlacement, rememberImported } from './wordpress.repository.js';

/** A comment as an export (WordPress, Disqus) has it, ready to be stored. */
export interface ImportedComment {
  /** The comment's id where it comes from. */
  sourceId: number;
  /** 0: an answer to the post itself. */
  parentSourceId: number;
  author: string;
  email: string;
  url: string | null;
  ip: string | null;
  status: CommentStatus;
  createdAt: Date;
  /** As typed: text with the same few tags this forum allows. */
  body: string;
}

/**
 * A post's discussion: the thread its imported comments go to, a question row of kind
 * 'discussion' (the same page, form, live updates and moderation as a question's).
 *
 * The functions here return the events of what they store instead of writing them:
 * writing events takes the lock that orders them (held to the commit, and every post
 * on the forum waits for it), so an import writes its events once, last, just before
 * its transaction commits.
 */
export async function insertDiscussion(
  tx: DB,
  post: { id: number; slug: string; title: string; body: string },
  takenSlugs?: Set<string>,
) {
  const taken = takenSlugs ?? (await takenQuestionSlugs(tx));
  const position = await tx
    .selectFrom('questions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('post_id', '=', post.id)
    .executeTakeFirstOrThrow();
  const discussion = await tx
    .insertInto('questions')
    .values({
      post_id: post.id,
      kind: 'discussion',
      slug: unique(`${post.slug}-discussion`, taken),
      position: Number(position.n),
      wording: `Discussion of “${post.title}”`,
      quote: '',
      quote_start: null,
      passage: post.body.split('\n\n')[0] ?? '',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: discussion.id, events: [{ type: 'question.added', questionId: discussion.id }] as ForumEvent[] };
}

/** The post's discussion, made when it has none yet (a post imported from text). */
export async function discussionOf(tx: DB, post: { id: number; slug: string; title: string; body: string }) {
  const found = await findDiscussion(tx, post.id);
  return found ? { id: found.id, events: [] as ForumEvent[] } : await insertDiscussion(tx, post);
}

/**
 * The comments not imported before, parents before their replies (an export lists
 * them by id, which need not put a parent first). A reply whose parent is not in the
 * export (deleted at the source, or a pingback) becomes an answer to the post. `site`
 * names where the ids come from (a WordPress site, a Disqus forum): they are remembered
 * there, so the same comment is never imported twice.
 */
export async function storeImportedComments(
  tx: DB,
  site: string,
  discussionId: number,
  drafts: ImportedComment[],
  maxDepth: number,
): Promise<{ created: number; events: ForumEvent[] }> {
  const localIds = await findImported(
    tx,
    site,
    'comment',
    drafts.flatMap((draft) => (draft.parentSourceId ? [draft.sourceId, draft.parentSourceId] : [draft.sourceId])),
  );
  const byWpId = new Map(drafts.map((draft) => [draft.sourceId, draft]));
  const placing = new Set<number>();
  const events: ForumEvent[] = [];
  let created = 0;

  const place = async (draft: ImportedComment): Promise<number> => {
    const already = localIds.get(draft.sourceId);
    if (already !== undefined) return already;
    placing.add(draft.sourceId);
    const parentDraft = byWpId.get(draft.parentSourceId);
    // A parent that is its own ancestor (a broken export) leaves the loop at the top.
    const parentId =
      draft.parentSourceId === 0
        ? undefined
        : parentDraft && !placing.has(parentDraft.sourceId)
          ? await place(parentDraft)
          : localIds.get(draft.parentSourceId);
    const parent = parentId === undefined ? undefined : await findPlacement(tx, parentId);
    const id = await nextCommentId(tx);
    const position = threadPosition(id, parent ?? null, maxDepth);
    await insertComment(tx, {
      id,
      // A reply goes where its parent is now: a moderator may have moved the parent to a question.
      question_id: parent?.question_id ?? discussionId,
      parent_id: position.parentId,
      in_reply_to_id: parent?.id ?? null,
      root_id: position.rootId,
      depth: position.depth,
      path: position.path,
      status: draft.status,
      author: draft.author,
      email: draft.email,
      url: draft.url,
      body_source: draft.body,
      body_html: renderCommentBody(draft.body),
      ip: draft.ip,
      created_at: draft.createdAt,
      updated_at: draft.createdAt,
    });
    await rememberImported(tx, site, 'comment', [{ wordpressId: draft.sourceId, localId: id }]);
    // A change like any other: followers and kept pages of the thread learn of it (the
    // mailer leaves imported comments alone: they are news to nobody).
    const questionId = parent?.question_id ?? discussionId;
    events.push(
      draft.status === 'approved'
        ? { type: 'comment.published', questionId, commentId: id, imported: true }
        : { type: 'comment.held', questionId, commentId: id, status: draft.status },
    );
    localIds.set(draft.sourceId, id);
    created += 1;
    return id;
  };

  for (const draft of [...drafts].sort((a, b) => a.sourceId - b.sourceId)) await place(draft);
  return { created, events };
}

export function unique(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
