/** Every message a person may read when something they sent is refused, in one place. */
export const messages = {
  authorRequired: 'Enter your name',
  authorTooLong: 'Your name must be 100 characters or fewer',
  emailRequired: 'Enter your email address',
  emailInvalid: 'Enter an email address in the correct format, like name@example.com',
  emailTooLong: 'Your email address must be 254 characters or fewer',
  urlInvalid: 'Enter a website address that starts with http:// or https://',
  urlTooLong: 'Your website address must be 2,000 characters or fewer',
  bodyRequired: 'Write your answer',
  bodyTooLong: (limit: number) => `Your answer must be ${limit.toLocaleString('en-GB')} characters or fewer`,
  controlCharacters: 'Remove the invisible control characters from this field',
  invisibleFormatting: 'Remove the invisible formatting characters (zero-width or right-to-left marks) from your name',
  parentInvalid: 'The comment you are replying to is not part of this question',
  parentNotNumber: 'The comment you are replying to could not be found',
  captchaRequired: 'Answer the sum to show you are a person',
  captchaWrong: 'That is not the answer to the sum. Try this new one',
  captchaExpired: 'The sum has expired. Answer this new one',
  captchaUsed: 'That sum has already been used. Answer this new one',
  captchaInvalid: 'The form has expired. Answer this new sum and send it again',
  tooFast: 'That was quicker than a person can type. Wait a few seconds and send it again',
  honeypot: 'Your comment could not be accepted. Leave the field marked "leave blank" empty',
  unsupportedMediaType: 'Send the form as application/x-www-form-urlencoded or application/json',
  malformedRequest: 'The request could not be read. Check what you sent and try again',
  tooLarge: 'What you sent is too large. Shorten your answer and try again',
  invalidEncoding: 'The request contains characters that are not valid UTF-8',
  rateLimited: (seconds: number) =>
    `You are sending too many requests. Wait ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`} and try again; nothing you typed is lost`,
  commentFormExpired:
    'This form had expired (it was more than a day old). Your answer is below, unchanged: send it again',
  commentFormNotIssuedHere:
    'This form could not be checked: its security token is missing, changed or was issued to another browser. Your answer is below, unchanged: send it again',
  formCookieMissing:
    'Your browser did not send back this site’s cookie, so the form could not be checked. Allow cookies for this site, then send it again; your answer is below, unchanged',
  crossSite: 'This request came from another website and was refused',
  mailLinkInvalid: 'This email link is not valid. Use the "Manage email" link in the latest message from us',
  mailConfirmLinkInvalid:
    'This confirmation link is not valid or has expired. Tick the email box on the comment form again to get a new one',
  mailLeftAll: 'Done: you will get no more email from this forum.',
  mailLeftOne: 'Done: you will get no more email about that question.',
  mailNotFound: 'There is no failed message with that number',
  mailRetried: (id: number) => `Message ${id} will be sent again.`,
  afterNotWholeNumber: '`after` must be a whole number (the newest comment id you have)',
  pageNotFound: 'There is no such page of this thread',
  questionNotFound: 'There is no question at this address. It may have been moved',
  unavailable: 'The forum cannot reach its database just now. Please try again in a minute',
  embeddedDatabaseBusy: (
    role: 'server' | 'command',
    holder: { pid: number; role: 'server' | 'command' },
    dataDir: string,
  ) => {
    const where = `the embedded database in ${dataDir}`;
    if (holder.role === 'command') {
      return role === 'server'
        ? `A command (process ${holder.pid}) has ${where} open. Wait for it to finish, then start the server.`
        : `Another command (process ${holder.pid}) has ${where} open. Wait for it to finish, then run this again.`;
    }
    return role === 'server'
      ? `Another server (process ${holder.pid}) is running on ${where}. Stop it first, or give this one its own DATA_DIR or a DATABASE_URL.`
      : `The server (process ${holder.pid}) has ${where} open but does not answer on its socket (it may still be starting; or the path is too long for a Unix socket). Try again in a moment; if this persists, stop the server, run this, then start the server again.`;
  },
  moderatorNameRequired: 'Enter the moderator’s name',
  moderatorExists: (email: string) => `There is already a moderator with the email address ${email}`,
  noSuchModerator: (email: string) => `There is no moderator with the email address ${email}`,
  wrongCredentials: 'The email address or password is not right. Check them and try again',
  signInFieldsRequired: 'Enter your email address and password',
  tooManySignIns: (minutes: number) =>
    `Too many failed sign-in attempts. Wait ${minutes} minutes and try again, or ask an admin to reset your password`,
  signInRequired: 'Sign in as a moderator to do that',
  adminOnly: 'Only admins can do that',
  csrfInvalid: 'This form has expired or did not come from this site. Go back, reload the page and try again',
  postingTooQuickly: 'You are posting comments too quickly. Wait a few seconds and send it again',
  duplicateComment: 'You have already posted this answer here. It looks like it was sent twice',
  commentNotFound: 'There is no such comment. It may have been deleted',
  alreadyInState: 'The comment is already there. Reload the queue to see its current state',
  restoreNotBinned: 'Only comments in spam or trash can be restored',
  deleteNotBinned: 'Only comments in spam or trash can be deleted permanently. Move it to the trash first',
  deleteHasReplies: 'This comment has replies, which would be deleted with it. Deal with the replies first',
  replyToUnapproved: 'Approve the comment before replying to it, so your reply is not left under a hidden comment',
  nothingSelected: 'Select at least one comment, and an action',
  banned: 'You cannot comment here',
  banTargetInvalid:
    'Enter an email address, an IP address (like 192.0.2.1 or 2001:db8::1) or a range (like 192.0.2.0/24)',
  banReasonRequired: 'Say why, for the other moderators',
  banReasonTooLong: 'The reason must be 500 characters or fewer',
  banDaysInvalid: (max: number) =>
    `Enter a whole number of days from 1 to ${max}, or leave it empty for a ban until lifted`,
  banNotFound: 'There is no such ban in force. It may have been lifted already',
  reportReasonRequired: 'Choose what is wrong with the comment',
  reportNoteTooLong: (limit: number) => `The note must be ${limit.toLocaleString('en-GB')} characters or fewer`,
  reportCookieMissing:
    'Your report was not sent: your browser did not send back this site’s cookie. Allow cookies for this site, then send it again',
  reportThanks: 'Thank you. The moderators will look at this comment',
  alreadyReported: 'You have already reported this comment. The moderators will look at it',
  questionClosed: 'This question is closed to new answers. You can still read the thread',
  alreadyClosed: 'The question is already closed',
  alreadyOpen: 'The question is already open',
  wordingRequired: 'Enter the question',
  wordingTooLong: (limit: number) => `The question must be ${limit} characters or fewer`,
  passageTooLong: (limit: number) => `The passage must be ${limit.toLocaleString('en-GB')} characters or fewer`,
  postRequired: 'Choose the post the question belongs to',
  statusInvalid: 'Choose open, in review or concluded',
  summaryTooLong: (limit: number) => `The summary must be ${limit.toLocaleString('en-GB')} characters or fewer`,
  removalReasonTooLong: 'The public reason must be 200 characters or fewer',
  restoreErased: 'This comment was deleted: its words are gone, so it cannot be restored',
  highlightNotApproved: 'Only approved comments can be highlighted',
  searchQueryRequired: 'Enter the words to search for',
  searchQueryTooLong: (limit: number) => `Search for ${limit} characters or fewer`,
  searchPageInvalid: 'There is no such page of results',
  discussionNotFound: 'This post has no discussion. Its questions each have their own thread',
  moveTargetInvalid: 'Choose one of the post’s questions to move the comment to',
  voteInvalid: 'Choose Agree, Disagree or Pass',
  voteNeedsPageView: 'Open the question’s page first, then vote from it (your browser must accept cookies)',
  voteFormExpired: 'The page you voted from had expired. Reload it and vote again',
  listQueryInvalid:
    'That list cannot be shown. Use sort=active, newest or answers, a page number from 1, and a post’s address name',
  postNotFound: 'There is no post at this address. It may have been moved',
  listPageNotFound: 'There is no such page of this list',
  noPostYet: 'No post has been imported yet. Run `npm run import -- <file>`.',
  internal: 'Something went wrong on our side. Please try again; if it keeps happening, tell the moderators',
} as const;
