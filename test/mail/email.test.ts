import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.js';
import { createEventLog } from '../../src/events/event-log.js';
import { insertEvents } from '../../src/events/event-log.repository.js';
import { storeImportedComments } from '../../src/imports/imported-comments.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { signIn } from '../support/moderators.js';
import { rawHeader, startTestSmtp, type TestSmtp } from '../support/smtp.js';

const slug = 'what-is-their-definition-of-cyberspace';
const otherSlug = 'who-is-involved-in-the-discussion';

let smtp: TestSmtp;
let forum: TestForum;
beforeAll(async () => {
  smtp = await startTestSmtp();
  forum = await startTestForum({ SMTP_URL: smtp.url, MAIL_POLL_MS: '50', MODERATION_WORDS: 'holdme' });
  forum.mail.start();
});
afterAll(async () => {
  await forum.mail.stop();
  await forum.close();
  await smtp.close();
});

/** The mail consumer has had every event so far, and the sender has sent what was due. */
async function settled(target: Pick<TestForum, 'db' | 'mail'> = forum) {
  await vi.waitFor(
    async () => {
      const latest = await target.db
        .selectFrom('forum_events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirstOrThrow();
      const cursor = await target.db
        .selectFrom('forum_event_cursors')
        .select('seq')
        .where('consumer', '=', 'mail')
        .executeTakeFirst();
      expect(Number(cursor?.seq ?? -1)).toBeGreaterThanOrEqual(Number(latest.seq ?? 0));
    },
    { timeout: 10_000, interval: 25 },
  );
  await target.mail.tick();
  await target.mail.tick();
}

const confirmToken = (text: string) => /\/mail\/confirm\?token=([\w.-]+)/.exec(text)?.[1];

/** Answers with the email boxes ticked, and confirms the address the way a person does. */
async function subscribed(email: string, author: string, fields: Record<string, string>) {
  const res = await answer(forum.browser(), slug, { email, author, body: `I am ${author}.`, ...fields });
  const id = commentIdFrom(res);
  await settled();
  const mails = smtp.to(email);
  expect(mails).toHaveLength(1);
  const token = confirmToken(mails[0]?.text ?? '');
  expect(token).toBeDefined();
  await supertest(forum.app).post('/mail/confirm').type('form').send({ token }).expect(200);
  return id;
}

describe('opting in', () => {
  it('asks for a confirmation once, confirms only on a POST, and sends nothing else before it', async () => {
    const bea = 'bea@example.org';
    const first = await answer(forum.browser(), slug, {
      email: 'Bea@Example.org',
      author: 'Bea',
      body: 'First.',
      notify_replies: '1',
    });
    const beaComment = commentIdFrom(first);
    await settled();
    const confirmations = smtp.to(bea);
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]?.subject).toMatch(/Confirm your email/);
    // Asking again within the hour sends no second confirmation.
    await answer(forum.browser(), slug, { email: bea, author: 'Bea', body: 'Again.', notify_replies: '1' });
    // A reply before she confirms: nothing goes to an unconfirmed address.
    await answer(
      forum.browser(),
      slug,
      { email: 'carl@example.org', author: 'Carl', body: 'Early reply.' },
      {
        replyTo: beaComment,
      },
    );
    await settled();
    expect(smtp.to(bea)).toHaveLength(1);

    const token = confirmToken(confirmations[0]?.text ?? '') as string;
    // A mail scanner fetching the link confirms nothing.
    const page = await supertest(forum.app).get(`/mail/confirm?token=${token}`).expect(200);
    expect(page.text).toContain('action="/mail/confirm"');
    const before = await forum.db.selectFrom('mail_addresses').selectAll().where('email', '=', bea).executeTakeFirst();
    expect(before?.confirmed_at).toBeNull();
    await supertest(forum.app)
      .post('/mail/confirm')
      .type('form')
      .send({ token: `${token}x` })
      .expect(400);
    await supertest(forum.app).post('/mail/confirm').type('form').send({ token }).expect(200);
    const after = await forum.db.selectFrom('mail_addresses').selectAll().where('email', '=', bea).executeTakeFirst();
    expect(after?.confirmed_at).not.toBeNull();
  });

  it('remembers the ticked boxes with the commenter, unticked by default', async () => {
    const browser = forum.browser();
    const blank = await browser.get(`/questions/${slug}`);
    expect(blank.text).toMatch(/id="notify_replies" name="notify_replies" type="checkbox" value="1">/);
    await answer(browser, slug, { email: 'dora@example.org', author: 'Dora', body: 'Hi.', notify_question: '1' });
    const again = await browser.get(`/questions/${slug}`);
    expect(again.text).toMatch(/name="notify_question" type="checkbox" value="1" checked>/);
    expect(again.text).toMatch(/name="notify_replies" type="checkbox" value="1">/);
  });
});

describe('reply notifications', () => {
  it('mails the subscriber once, with the reply and the leaving headers; never the author about their own', async () => {
    const eva = 'eva@example.org';
    const evaComment = await subscribed(eva, 'Eva', { notify_replies: '1' });
    const reply = commentIdFrom(
      await answer(
        forum.browser(),
        slug,
        { email: 'fred@example.org', author: 'Fred', body: 'Fred <em>disagrees</em>.' },
        { replyTo: evaComment },
      ),
    );
    // Eva answering herself is not news to her.
    await answer(forum.browser(), slug, { email: eva, author: 'Eva', body: 'Me again.' }, { replyTo: evaComment });
    await settled();
    await settled();
    const mails = smtp.to(eva);
    expect(mails).toHaveLength(2); // the confirmation, and Fred's reply
    const mail = mails[1];
    expect(mail?.subject).toContain('Fred replied to you');
    expect(mail?.text).toContain('Fred disagrees.');
    expect(mail?.text).toContain(`/comments/${reply}`);
    expect(mail?.html).toContain('Fred <em>disagrees</em>.');
    expect(mail?.text).not.toContain('fred@example.org');
    expect(mail?.html).not.toContain('fred@example.org');
    const unsubscribe = rawHeader(mail as never, 'List-Unsubscribe');
    expect(unsubscribe).toMatch(new RegExp(`^<${forum.config.publicUrl}/mail/unsubscribe\\?token=[\\w.-]+>$`));
    expect(rawHeader(mail as never, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail?.text).toContain('Manage email:');
    const row = await forum.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('kind', '=', 'reply')
      .where('to_email', '=', eva)
      .execute();
    expect(row.map((r) => r.idempotency_key)).toEqual([`reply:${reply}:${eva}`]);
  });

  it('sends nothing, not even in a digest, about an answer an import brought in (years-old news)', async () => {
    const una = 'una@example.org';
    const unaComment = await subscribed(una, 'Una', { notify_replies: '1', notify_question: '1' });
    const imported = await forum.db.transaction().execute(async (tx) => {
      const question = await tx.selectFrom('questions').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
      const stored = await storeImportedComments(
        tx,
        'https://old.example.org',
        question.id,
        [
          {
            sourceId: 1,
            parentSourceId: 0,
            author: 'Old Timer',
            email: 'old@example.org',
            url: null,
            ip: null,
            status: 'approved',
            createdAt: new Date('2012-01-01T00:00:00Z'),
            body: 'An answer from 2012.',
          },
        ],
        5,
      );
      await insertEvents(tx, stored.events);
      return stored;
    });
    expect(imported.events).toMatchObject([{ type: 'comment.published', imported: true }]);
    await settled();
    await settled();
    expect(smtp.to(una)).toHaveLength(1); // the confirmation only
    const waiting = await forum.db.selectFrom('mail_digest_items').selectAll().where('email', '=', una).execute();
    expect(waiting).toEqual([]);
    // A reply written now is news: Una's mail for it shows the consumer was listening all along.
    await answer(
      forum.browser(),
      slug,
      { email: 'kit@example.org', author: 'Kit', body: 'Now.' },
      { replyTo: unaComment },
    );
    await settled();
    expect(smtp.to(una)).toHaveLength(2);
  });

  it('sends nothing for a held reply until a moderator approves it', async () => {
    const gil = 'gil@example.org';
    const gilComment = await subscribed(gil, 'Gil', { notify_replies: '1' });
    const held = commentIdFrom(
      await answer(
        forum.browser(),
        slug,
        { email: 'hal@example.org', author: 'Hal', body: 'holdme please' },
        { replyTo: gilComment },
      ),
    );
    await settled();
    expect(smtp.to(gil)).toHaveLength(1);
    const mod = await signIn(forum);
    await mod.browser.post(`/mod/comments/${held}/approve`).type('form').send({ _csrf: mod.csrf }).expect(303);
    await settled();
    expect(smtp.to(gil)).toHaveLength(2);
    expect(smtp.to(gil)[1]?.text).toContain('holdme please');
  });

  it('one-click unsubscribe (a cross-site POST with no cookie) stops the next mail', async () => {
    const ida = 'ida@example.org';
    const idaComment = await subscribed(ida, 'Ida', { notify_replies: '1' });
    await answer(
      forum.browser(),
      slug,
      { email: 'jo@example.org', author: 'Jo', body: 'One.' },
      { replyTo: idaComment },
    );
    await settled();
    const mail = smtp.to(ida)[1];
    const url = new URL((rawHeader(mail as never, 'List-Unsubscribe') as string).slice(1, -1));
    // In a browser, the same URL shows what the address gets.
    const manage = await supertest(forum.app).get(`${url.pathname}${url.search}`).expect(200);
    expect(manage.text).toContain('replies to you');
    expect(manage.text).toContain('Stop all email');
    await supertest(forum.app)
      .post(`${url.pathname}${url.search}`)
      .set('Origin', 'https://mail.example')
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    await answer(
      forum.browser(),
      slug,
      { email: 'jo@example.org', author: 'Jo', body: 'Two.' },
      { replyTo: idaComment },
    );
    await settled();
    expect(smtp.to(ida)).toHaveLength(2);
    await supertest(forum.app)
      .post('/mail/unsubscribe?token=forged')
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(400);
  });
});

describe('question follows', () => {
  it('batches new answers: at most one digest per MAIL_DIGEST_MINUTES', async () => {
    const kim = 'kim@example.org';
    await subscribed(kim, 'Kim', { notify_question: '1' });
    await answer(forum.browser(), slug, { email: 'lu@example.org', author: 'Lu', body: 'Answer one.' });
    await settled();
    expect(smtp.to(kim)).toHaveLength(2);
    expect(smtp.to(kim)[1]?.text).toContain('Answer one.');
    await answer(forum.browser(), slug, { email: 'lu@example.org', author: 'Lu', body: 'Answer two.' });
    await answer(forum.browser(), slug, { email: 'lu@example.org', author: 'Lu', body: 'Answer three.' });
    await answer(forum.browser(), otherSlug, { email: 'lu@example.org', author: 'Lu', body: 'Not followed.' });
    await settled();
    expect(smtp.to(kim)).toHaveLength(2);
    // An hour later the next digest lists both, and nothing from the other question.
    await forum.db
      .updateTable('mail_addresses')
      .set({ digest_sent_at: new Date(Date.now() - 61 * 60_000) })
      .where('email', '=', kim)
      .execute();
    await settled();
    const digests = smtp.to(kim);
    expect(digests).toHaveLength(3);
    expect(digests[2]?.text).toContain('Answer two.');
    expect(digests[2]?.text).toContain('Answer three.');
    expect(digests[2]?.text).not.toContain('Not followed.');
    expect(digests[2]?.subject).toContain('2 new answers');
  });
});

describe('failures', () => {
  it('marks a refused mailbox bounced, keeps the message for admins, who may retry it', async () => {
    await answer(forum.browser(), slug, {
      email: 'nobody@bounce.example',
      author: 'Nob',
      body: 'x',
      notify_replies: '1',
    });
    await settled();
    const address = await forum.db
      .selectFrom('mail_addresses')
      .selectAll()
      .where('email', '=', 'nobody@bounce.example')
      .executeTakeFirstOrThrow();
    expect(address.bounced_at).not.toBeNull();
    const mod = await signIn(forum);
    await mod.browser.get('/mod/mail').expect(403);
    const admin = await signIn(forum, 'admin');
    const page = await admin.browser.get('/mod/mail').expect(200);
    expect(page.text).toContain('nobody@bounce.example');
    expect(page.text).toContain('No such mailbox');
    const id = /action="\/mod\/mail\/(\d+)\/retry"/.exec(page.text)?.[1];
    expect(id).toBeDefined();
    await admin.browser.post(`/mod/mail/${id}/retry`).type('form').send({ _csrf: admin.csrf }).expect(303);
  });
});

describe('feeds', () => {
  it('gives each question a feed of its answers, linked from its page', async () => {
    const page = await supertest(forum.app).get(`/questions/${slug}`).expect(200);
    expect(page.text).toContain(`<link rel="alternate" type="application/rss+xml" title="Answers to`);
    expect(page.text).toContain(`href="/questions/${slug}/feed.xml"`);
    const feed = await supertest(forum.app).get(`/questions/${slug}/feed.xml`).expect(200);
    expect(feed.headers['content-type']).toMatch(/rss\+xml/);
    expect(feed.text).toContain('Answer three.');
    expect(feed.text).not.toContain('Not followed.');
    await supertest(forum.app).get('/questions/no-such-question/feed.xml').expect(404);
  });
});

describe('a restart between the commit and the send', () => {
  it('sends exactly once', async () => {
    const max = 'max@example.org';
    const maxComment = await subscribed(max, 'Max', { notify_replies: '1' });
    // This forum decides, then stops before its sender runs.
    await forum.mail.stop();
    await answer(
      forum.browser(),
      slug,
      { email: 'ned@example.org', author: 'Ned', body: 'Across a restart.' },
      {
        replyTo: maxComment,
      },
    );
    await vi.waitFor(
      async () => {
        const row = await forum.db
          .selectFrom('mail_outbox')
          .selectAll()
          .where('to_email', '=', max)
          .where('kind', '=', 'reply')
          .executeTakeFirst();
        expect(row?.status).toBe('queued');
      },
      { timeout: 10_000, interval: 25 },
    );
    await forum.log.stop();
    // A new forum on the same database sends it, once.
    const logger = pino({ level: 'silent' });
    const log = createEventLog(forum.database, logger);
    await log.start();
    const next = createApp({ db: forum.db, pool: forum.database.pool, config: forum.config, logger, log });
    try {
      next.mail.start();
      await settled({ db: forum.db, mail: next.mail });
      await vi.waitFor(() => expect(smtp.to(max)).toHaveLength(2), { timeout: 10_000, interval: 25 });
      await settled({ db: forum.db, mail: next.mail });
      expect(smtp.to(max)).toHaveLength(2);
      expect(smtp.to(max)[1]?.text).toContain('Across a restart.');
    } finally {
      await next.mail.stop();
      await log.stop();
    }
  });
});

describe('without SMTP_URL', () => {
  it('writes each message as a complete .eml file under DATA_DIR/outbox', async () => {
    const embedded = await startTestForum({ MAIL_POLL_MS: '50' });
    try {
      embedded.mail.start();
      await answer(embedded.browser(), slug, {
        email: 'oli@example.org',
        author: 'Oli',
        body: 'Hi.',
        notify_question: '1',
      });
      await settled(embedded);
      const dir = path.join(embedded.config.dataDir, 'outbox');
      const files = readdirSync(dir).filter((file) => file.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const mail = await simpleParser(readFileSync(path.join(dir, files[0] as string)));
      expect(mail.subject).toMatch(/Confirm your email/);
      expect(JSON.stringify(mail.to)).toContain('oli@example.org');
      expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(mail.text).toMatch(/\/mail\/confirm\?token=/);
    } finally {
      await embedded.mail.stop();
      await embedded.close();
    }
  });
});

describe('when the mail server is away', () => {
  it('retries with backoff, then keeps the message as failed with its error', async () => {
    // A port nothing listens on: connection refused, a transient failure.
    const away = await startTestSmtp();
    const url = away.url;
    await away.close();
    const down = await startTestForum({
      SMTP_URL: url,
      MAIL_POLL_MS: '3600000',
      MAIL_RETRY_BASE_SECONDS: '1',
      MAIL_MAX_ATTEMPTS: '2',
    });
    try {
      await answer(down.browser(), slug, { email: 'pia@example.org', author: 'Pia', body: 'x', notify_replies: '1' });
      await settled(down);
      const first = await down.db.selectFrom('mail_outbox').selectAll().executeTakeFirstOrThrow();
      expect(first).toMatchObject({ status: 'queued', attempts: 1 });
      expect(first.last_error).toMatch(/ECONNREFUSED|connect/i);
      expect(new Date(first.next_attempt_at).getTime()).toBeGreaterThan(Date.now() - 100);
      // Not due yet: a round now does not try again.
      await down.mail.tick();
      expect((await down.db.selectFrom('mail_outbox').select('attempts').executeTakeFirstOrThrow()).attempts).toBe(1);
      await down.db
        .updateTable('mail_outbox')
        .set({ next_attempt_at: new Date(Date.now() - 1000) })
        .execute();
      await down.mail.tick();
      const last = await down.db.selectFrom('mail_outbox').selectAll().executeTakeFirstOrThrow();
      expect(last).toMatchObject({ status: 'failed', attempts: 2 });
    } finally {
      await down.mail.stop();
      await down.close();
    }
  });
});
