import { Router } from 'express';
import { commentAddress } from '../comments/comment.js';
import type { CommentService } from '../comments/comment.service.js';
import type { DB } from '../db/database.js';
import { findPostById } from '../posts/post.repository.js';
import { questionPath } from '../questions/question.js';
import { countApproved } from '../questions/question.repository.js';
import { questionBySlug } from '../questions/question.service.js';
import type { SettingsSource } from '../settings/settings.service.js';
import { exactTime } from '../views/helpers/exact-time.js';
import type { Templates } from '../views/templates.js';
import { removalsByMonth, waitInWords } from './moderation-record.js';
import { moderationRecord } from './moderation-record.repository.js';
import { STATUS_LABELS, statusBadge } from './question-status.js';
import { listSummaryRevisions } from './summary.repository.js';
import { diffCounts, summaryDiff } from './summary-diff.js';
import { summaryHistoryPath } from './summary-view.js';

/**
 * What became of a question, in public: every revision of its summary with what each
 * changed, and the conclusion as JSON (summary, status, highlighted answers, counts).
 */
export function conclusionRoutes(deps: {
  db: DB;
  templates: Templates;
  comments: CommentService;
  settings: SettingsSource;
}): Router {
  const { db, templates, comments, settings } = deps;
  const router = Router();

  router.get('/questions/:slug/summary/history', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug);
    const revisions = await listSummaryRevisions(db, question.id);
    const views = revisions.map((revision, index) => {
      const parts = summaryDiff(index === 0 ? null : (revisions[index - 1]?.body_source ?? ''), revision.body_source);
      const at = new Date(revision.created_at);
      return {
        number: index + 1,
        author: revision.moderator_name,
        iso: at.toISOString(),
        when: exactTime(at),
        html: revision.body_html,
        parts,
        counts: diffCounts(parts),
        empty: revision.body_source === '',
      };
    });
    res.set('Cache-Control', 'no-cache');
    const page = {
      title: `Summary history: ${question.wording}`,
      question: { wording: question.wording, url: questionPath(question.slug) },
      status: statusBadge(question.status),
      // Newest first: what a reader comes for is the latest change.
      revisions: views.reverse(),
    };
    res.type('html').send(templates.page('summary-history', page));
  });

  const renderRecord = async (question: { id: number; wording: string; slug: string } | null) => {
    const [record, current] = await Promise.all([moderationRecord(db, question?.id), settings.current()]);
    const total = record.removals.reduce((sum, row) => sum + row.n, 0);
    return templates.page('moderation-record', {
      title: question ? `Moderation of “${question.wording}”` : 'Moderation record',
      question: question ? { wording: question.wording, url: questionPath(question.slug) } : null,
      removedTotal: total,
      months: removalsByMonth(record.removals),
      approvedFromQueue: record.approvedFromQueue,
      queue: { decided: record.queue.decided, median: waitInWords(record.queue.medianSeconds) },
      // Moderators by their public name, only where admins allow it.
      moderators: current.publicModeratorNames ? record.moderators.map((m) => ({ name: m.name, count: m.n })) : null,
    });
  };

  router.get('/moderation', async (_req, res) => {
    res.type('html').send(await renderRecord(null));
  });

  router.get('/questions/:slug/moderation', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug);
    res.type('html').send(await renderRecord(question));
  });

  router.get('/api/questions/:slug', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug);
    const [highlights, answerCount, revisions, post] = await Promise.all([
      comments.listHighlights(question),
      countApproved(db, question.id),
      listSummaryRevisions(db, question.id),
      findPostById(db, question.postId),
    ]);
    res.json({
      id: question.id,
      slug: question.slug,
      wording: question.wording,
      passage: question.passage,
      url: questionPath(question.slug),
      post: post ? { title: post.title, url: `/posts/${post.slug}` } : null,
      status: question.status,
      status_label: STATUS_LABELS[question.status],
      closed: question.closed,
      summary_html: question.summaryHtml,
      summary_updated_at: question.summaryUpdatedAt?.toISOString() ?? null,
      summary_history_url: summaryHistoryPath(question.slug),
      summary_revision_count: revisions.length,
      answer_count: answerCount,
      highlighted_answers: highlights.map((comment) => ({
        id: comment.id,
        author: comment.author,
        created_at: comment.createdAt.toISOString(),
        body_html: comment.html,
        url: commentAddress(comment.id),
      })),
      comments_url: `/api${questionPath(question.slug)}/comments`,
    });
  });

  return router;
}
