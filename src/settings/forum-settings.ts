/**
 * The forum's own rules. The environment gives the defaults; admins change them at
 * /mod/settings (stored in the database), so read the current ones from the
 * settings service rather than from the config.
 */
export interface ForumSettings {
  readonly maxThreadDepth: number;
  readonly commentsPerPage: number;
  /** Off: the form has no sum to answer (the minimum time still applies). */
  readonly captchaEnabled: boolean;
  readonly captchaMinSeconds: number;
  readonly captchaTtlMinutes: number;
  /** Pre-moderation: every new comment waits for a moderator. */
  readonly holdAll: boolean;
  /** Hold comments from an email address with no approved comment yet. */
  readonly holdNewEmails: boolean;
  /** Hold comments with this many links or more (0: off). */
  readonly linkLimit: number;
  /** `npm run bench` posts without solving captchas; refused in production. */
  readonly benchDisableCaptcha: boolean;
  /** Hold a comment whose body, name, email, website or IP contains one of these. */
  readonly moderationWords: readonly string[];
  /** The same, but straight to spam. */
  readonly disallowedWords: readonly string[];
  /** Refuse a second comment from one IP or email within this many seconds (0: off). */
  readonly floodSeconds: number;
  /** Refuse the same body from the same author on the same question. */
  readonly duplicateCheck: boolean;
  /** Readers' reports that hide a comment until a moderator looks at it. */
  readonly reportThreshold: number;
  /** The opinion map is drawn (and linked from the thread) from this many voters… */
  readonly mapMinVoters: number;
  /** …on at least this many comments with enough votes each. */
  readonly mapMinComments: number;
  /** The public reasons a moderator picks from when trashing a comment or marking it spam. */
  readonly removalReasons: readonly string[];
  /** The public moderation record names moderators (by their public name) only when admins allow it. */
  readonly publicModeratorNames: boolean;
}

/** The reasons offered until admins change them. */
export const DEFAULT_REMOVAL_REASONS: readonly string[] = Object.freeze([
  'Off topic',
  'Personal attack',
  'Spam or advertising',
  'Personal information about someone',
  'Said already (duplicate)',
]);

/** A comma-separated list, as moderation words are given in the environment. */
export const wordList = (value: string): string[] =>
  value
    .split(/[,\n]/)
    .map((word) => word.trim())
    .filter(Boolean);
