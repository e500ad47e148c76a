import type { Kysely } from 'kysely';
import type { ModerationLogTable } from '../audit/audit-log.table.js';
import type { CaptchaUseTable } from '../captcha/captcha.table.js';
import type { CommentTable } from '../comments/comment.table.js';
import type { SummaryRevisionTable } from '../conclusions/summary.table.js';
import type { ForumEventCursorTable, ForumEventHorizonTable, ForumEventTable } from '../events/event.table.js';
import type { WordpressImportTable } from '../imports/wordpress-import.table.js';
import type {
  MailAddressTable,
  MailDigestItemTable,
  MailOutboxTable,
  MailSubscriptionTable,
} from '../mail/mail.table.js';
import type { BanAttemptTable, BanTable } from '../moderation/ban.table.js';
import type { CommentReportTable } from '../moderation/report.table.js';
import type { LoginAttemptTable, ModeratorTable } from '../moderators/moderator.table.js';
import type { PostTable } from '../posts/post.table.js';
import type { QuestionTable } from '../questions/question.table.js';
import type { CommentSearchTable } from '../search/search.table.js';
import type { SessionTable } from '../sessions/session.table.js';
import type { SettingTable } from '../settings/settings.table.js';
import type { ReaderMarksTable } from '../visits/reader-marks.table.js';
import type { CommentVoteTable, CommentVoteTotalsTable } from '../votes/vote.table.js';

/** Every table the application reads and writes, as Kysely sees them. */
export interface Database {
  posts: PostTable;
  questions: QuestionTable;
  comments: CommentTable;
  comment_search: CommentSearchTable;
  captcha_uses: CaptchaUseTable;
  moderators: ModeratorTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  settings: SettingTable;
  moderation_log: ModerationLogTable;
  bans: BanTable;
  ban_attempts: BanAttemptTable;
  comment_reports: CommentReportTable;
  forum_events: ForumEventTable;
  forum_event_horizon: ForumEventHorizonTable;
  forum_event_cursors: ForumEventCursorTable;
  wordpress_imports: WordpressImportTable;
  comment_votes: CommentVoteTable;
  comment_vote_totals: CommentVoteTotalsTable;
  mail_addresses: MailAddressTable;
  mail_subscriptions: MailSubscriptionTable;
  mail_digest_items: MailDigestItemTable;
  mail_outbox: MailOutboxTable;
  summary_revisions: SummaryRevisionTable;
  reader_marks: ReaderMarksTable;
}

export type DB = Kysely<Database>;
