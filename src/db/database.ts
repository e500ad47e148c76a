import type { Kysely } from 'kysely';
import type { CaptchaUseTable } from '../captcha/captcha.table.js';
import type { CommentTable } from '../comments/comment.table.js';
import type { PostTable } from '../posts/post.table.js';
import type { QuestionTable } from '../questions/question.table.js';

/** Every table the application reads and writes, as Kysely sees them. */
export interface Database {
  posts: PostTable;
  questions: QuestionTable;
  comments: CommentTable;
  captcha_uses: CaptchaUseTable;
}

export type DB = Kysely<Database>;
