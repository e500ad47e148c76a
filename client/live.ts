/**
 * The thread page and front page, live. The pages work fully without this script;
 * it adds: replies arriving in place, answering without a reload, Reply opening the
 * form under the comment, live answer counts, and relative times that stay true.
 * Bundled by esbuild into public/js/live.js (with the Socket.IO client).
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientEvents, LiveComment, ServerEvents } from '../src/live/socket-contract.js';
import { markNewComments } from './new-marks.js';

type LiveSocket = Socket<ServerEvents, ClientEvents>;

const HIGHLIGHT_MS = 3000;
const RELATIVE_TIME_REFRESH_MS = 60_000;
/**
 * A comment (views/partials/comment.hbs) is `li.comment#comment-<id>` holding an
 * `article` (header, body, footer) and its replies in an `ol`; its parts carry no
 * classes of their own, to keep long threads small, so they are found by place.
 */
const ARTICLE = ':scope > article';
const REPLIES = ':scope > ol';
const AUTHOR = ':scope > article > header > b';
const PERMALINK = ':scope > article > header > a';
/** The Reply link: without this script it asks the server for the page with the form set to reply. */
const REPLY_LINK = 'a[href^="?replyto="]';
/** Agree, Disagree, Pass: buttons of the page's one vote form; the counts sit in a `data` element beside them. */
const VOTE_BUTTON = 'button[form="vote"]';
const VOTE_COUNTS = ':scope > article > footer data';
/** A top-level answer shown again at the top of a page that continues its conversation. */
const EARLIER = 'comment--earlier';
/** Set by the server once this browser has voted: only then is it worth asking which way. */
const VOTED_COOKIE = 'oq_voted=1';

const relative = new Intl.RelativeTimeFormat('en-GB', { numeric: 'auto' });
const exact = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

const thread = document.querySelector<HTMLElement>('[data-thread-live]');
const frontPage = document.querySelector<HTMLElement>('[data-questions-live]');
if (thread) markNewComments(thread);
if (thread) followThread(thread);
else if (frontPage) followAnswerCounts(frontPage);
refreshRelativeTimes();

function followThread(section: HTMLElement): void {
  const slug = section.dataset.slug as string;
  const onFirstPage = section.dataset.firstPage === 'true';
  const onLastPage = section.dataset.lastPage === 'true';
  /** The order of the top-level answers (`?sort=`): where a new one goes depends on it. */
  const order = section.dataset.sort ?? 'oldest';
  let latestId = Number(section.dataset.latestId ?? 0);
  /** The newest change (event log seq) this page shows; refollows ask for what came after. */
  let since = Number(section.dataset.since ?? 0);
  /** Per comment, the seq of the change it shows: an older event arriving late is ignored. */
  const shownSeq = new Map<number, number>();
  const list = section.querySelector<HTMLOListElement>('[data-thread]') as HTMLOListElement;
  const announcer = section.querySelector<HTMLElement>('[data-live-announcer]');
  const presence = section.querySelector<HTMLElement>('[data-presence]');
  const total = section.querySelector<HTMLElement>('[data-answer-total]');
  const pill = createPill();
  const unseen = new Set<HTMLElement>();
  const seenOnScreen = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      unseen.delete(entry.target as HTMLElement);
      seenOnScreen.unobserve(entry.target);
    }
    updatePill();
  });

  const socket: LiveSocket = io({ transports: ['websocket', 'polling'] });
  // On every (re)connection, ask for every change after the newest one we have: the
  // event log fills whatever gap the disconnection left (edits and removals too).
  socket.on('connect', () => socket.emit('follow', { slug, after: latestId, since }));
  /** Takes an event's seq; false when the comment already shows a newer change. */
  const isNews = (id: number, seq: number): boolean => {
    since = Math.max(since, seq);
    if ((shownSeq.get(id) ?? -1) > seq) return false;
    shownSeq.set(id, seq);
    return true;
  };
  socket.on('comment:new', (comment) => {
    if (comment.slug !== slug || !isNews(comment.id, comment.seq)) return;
    latestId = Math.max(latestId, comment.id);
    const existing = document.getElementById(`comment-${comment.id}`);
    if (existing) {
      replaceBody(existing, comment.html);
      return;
    }
    countAnswer(1);
    const element = place(comment);
    if (!element) return;
    arrived(element, comment);
  });
  socket.on('comment:update', (comment) => {
    if (comment.slug !== slug || !isNews(comment.id, comment.seq)) return;
    const existing = document.getElementById(`comment-${comment.id}`);
    if (existing) replaceBody(existing, comment.html);
    if (existing) votes.mark(existing);
  });
  socket.on('comment:remove', ({ id, slug: about, seq, tombstone_html }) => {
    if (about !== slug || !isNews(id, seq)) return;
    const existing = document.getElementById(`comment-${id}`);
    if (!existing) return;
    countAnswer(-1);
    const body = existing.querySelector(ARTICLE);
    if (tombstone_html) {
      // Its replies stay where they are, under what the thread now shows in its place.
      replaceBody(existing, tombstone_html);
      existing.className = fromHtml(tombstone_html)?.className ?? existing.className;
    } else if (existing.querySelector(REPLIES) && body) {
      body.innerHTML = '<p class="comment__removed">This comment was removed.</p>';
    } else {
      existing.remove();
    }
  });
  // Too much changed while away (or it is no longer kept): fetch the thread afresh.
  socket.on('resync', ({ slug: about }) => {
    if (about === slug) resync().catch(() => window.location.reload());
  });
  socket.on('comment:votes', (votes) => {
    if (votes.slug === slug) showVotes(votes.id, votes);
  });
  socket.on('question:summary', (summary) => {
    if (summary.slug !== slug) return;
    showSummary(summary.html, summary.updated_at);
    if (announcer) announcer.textContent = 'The summary of this question was updated';
  });
  socket.on('presence', ({ slug: about, count }) => {
    if (about !== slug || !presence) return;
    presence.hidden = false;
    presence.textContent =
      count <= 1
        ? 'You are the only one following this question live.'
        : `${count} people are following this question live.`;
  });

  setUpReplyLinks(section);
  const votes = setUpVotes(section, slug, announcer);
  setUpForm(slug, (comment) => {
    latestId = Math.max(latestId, comment.id);
    const existing = document.getElementById(`comment-${comment.id}`);
    // The live event may have won the race; the response's copy is marked as the reader's own.
    if (existing) replaceBody(existing, comment.html);
    else countAnswer(1);
    const element = existing ?? place(comment, true);
    if (element) {
      element.classList.add('comment--mine');
      element.classList.add('comment--arrived');
      element.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  });

  /** Puts a comment where it belongs in the tree; null when it belongs on another page. */
  function place(comment: LiveComment, own = false): HTMLElement | null {
    const element = fromHtml(comment.html);
    if (!element) return null;
    let container: HTMLOListElement;
    let before: Element | null;
    if (comment.parent_id === null) {
      const slot = answerSlot(comment.id);
      // The reader's own answer is shown to them here even when its place is on another page.
      if (slot === 'elsewhere' && !own) return null;
      container = list;
      before = slot === 'elsewhere' ? null : slot;
    } else {
      const parent = document.getElementById(`comment-${comment.parent_id}`);
      if (!parent) return null;
      container = parent.querySelector(REPLIES) ?? appendChildList(parent);
      // Replies stay oldest first, whatever order events arrive in.
      before = [...container.children].find((child) => commentId(child) > comment.id) ?? null;
    }
    document.querySelector('[data-thread-empty]')?.remove();
    container.insertBefore(element, before);
    keepReaderInPlace(element);
    return element;
  }

  /**
   * Where a new top-level answer goes among this page's: the answer it goes before (null:
   * at the end), or 'elsewhere' when its place is on another page. Oldest first, that is the
   * last page; newest first, the top of the first. Most agreed, a new answer has no votes:
   * it goes after every answer with more and before any with fewer (ties oldest first), so
   * it is on this page when an answer that follows it is, or when this is the last page.
   * The page is not reordered as votes change: the reader's place stays put.
   */
  function answerSlot(id: number): Element | null | 'elsewhere' {
    const answers = [...list.children];
    if (order === 'newest') {
      if (!onFirstPage) return 'elsewhere';
      return answers.find((answer) => commentId(answer) < id) ?? null;
    }
    if (order === 'agreed') {
      const next = answers.find((answer) => {
        const score = scoreOf(answer);
        return score < 0 || (score === 0 && commentId(answer) > id);
      });
      // An answer continued from the page before comes before every other here: so does this one.
      if (next?.classList.contains(EARLIER)) return 'elsewhere';
      if (next) return next;
      return onLastPage ? null : 'elsewhere';
    }
    if (!onLastPage) return 'elsewhere';
    return answers.find((answer) => commentId(answer) > id) ?? null;
  }

  /**
   * Replaces the thread with the server's current one, keeping the reader where they
   * were: the comment at the top of the screen stays at the same height.
   */
  async function resync(): Promise<void> {
    // In this page's order, whatever order the reader has picked since in another tab.
    const url = new URL(window.location.href);
    url.searchParams.set('sort', order);
    const response = await fetch(url, { headers: { Accept: 'text/html' } });
    if (!response.ok) throw new Error(`resync: ${response.status}`);
    const fresh = new DOMParser()
      .parseFromString(await response.text(), 'text/html')
      .querySelector<HTMLElement>('[data-thread-live]');
    const freshList = fresh?.querySelector('[data-thread]');
    if (!fresh || !freshList) throw new Error('resync: no thread in the page');
    const anchor = [...list.querySelectorAll<HTMLElement>('li[id^="comment-"]')].find(
      (element) => element.getBoundingClientRect().bottom > 0,
    );
    const anchorTop = anchor?.getBoundingClientRect().top ?? 0;
    // The reply form may be open inside the thread: keep it (and what is typed in it).
    const respond = document.getElementById('respond');
    const replyingTo = respond && list.contains(respond) ? respond.closest('li')?.id : undefined;
    if (respond && replyingTo) list.after(respond);
    list.innerHTML = freshList.innerHTML;
    const replyHome = replyingTo ? document.getElementById(replyingTo)?.querySelector(ARTICLE) : null;
    if (respond && replyHome) replyHome.after(respond);
    shownSeq.clear();
    since = Number(fresh.dataset.since ?? since);
    latestId = Number(fresh.dataset.latestId ?? latestId);
    const freshTotal = fresh.querySelector<HTMLElement>('[data-answer-total]');
    if (total && freshTotal) {
      total.dataset.count = freshTotal.dataset.count;
      total.textContent = freshTotal.textContent;
    }
    showRelativeTimes(list);
    const again = anchor ? document.getElementById(anchor.id) : null;
    if (again) window.scrollBy(0, again.getBoundingClientRect().top - anchorTop);
  }

  function countAnswer(change: 1 | -1): void {
    if (!total) return;
    const count = Math.max(0, Number(total.dataset.count ?? 0) + change);
    total.dataset.count = String(count);
    total.textContent = `${count.toLocaleString('en-GB')} ${count === 1 ? 'answer' : 'answers'}`;
  }

  function arrived(element: HTMLElement, comment: LiveComment): void {
    element.classList.add('comment--arrived');
    setTimeout(() => element.classList.remove('comment--arrived'), HIGHLIGHT_MS);
    if (announcer) {
      announcer.textContent = `${comment.parent_id === null ? 'New answer' : 'New reply'} from ${comment.author}`;
    }
    const box = element.getBoundingClientRect();
    if (box.bottom < 0 || box.top > window.innerHeight) {
      unseen.add(element);
      seenOnScreen.observe(element);
      updatePill();
    }
  }

  function updatePill(): void {
    pill.hidden = unseen.size === 0;
    pill.textContent = unseen.size === 1 ? '1 new reply' : `${unseen.size} new replies`;
  }

  function createPill(): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'new-replies-pill';
    button.hidden = true;
    button.addEventListener('click', () => {
      const first = [...unseen].sort((a, b) => commentId(a) - commentId(b))[0];
      first?.scrollIntoView({ block: 'center', behavior: 'smooth' });
      first?.querySelector<HTMLElement>(PERMALINK)?.focus();
    });
    document.body.append(button);
    return button;
  }
}

const longDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

/** The summary section (views/pages/question.hbs), revised in place; shown if it was not yet. */
function showSummary(html: string, updatedAt: string): void {
  const section = document.querySelector<HTMLElement>('[data-summary]');
  const content = section?.querySelector<HTMLElement>('[data-summary-content]');
  const updated = section?.querySelector<HTMLTimeElement>('[data-summary-updated]');
  if (!section || !content || !updated) return;
  content.innerHTML = html;
  updated.dateTime = updatedAt;
  updated.textContent = longDate.format(new Date(updatedAt));
  section.hidden = html === '';
}

/**
 * A comment inserted above what the reader is looking at would push the page down:
 * scroll by its height so the text under their eyes stays put.
 */
function keepReaderInPlace(element: HTMLElement): void {
  const box = element.getBoundingClientRect();
  if (box.bottom <= 0) window.scrollBy(0, box.height);
}

/** A comment's own content changes; its replies stay where they are. */
function replaceBody(existing: HTMLElement, html: string): void {
  const body = fromHtml(html)?.querySelector(ARTICLE);
  existing.querySelector(ARTICLE)?.replaceWith(body ?? '');
}

type VoteCounts = { agree: number; disagree: number; pass: number };

/** A comment's counts as the page shows them ("12 agree · 3 disagree · 1 pass"). */
function showVotes(id: number, counts: VoteCounts): void {
  const data = document.getElementById(`comment-${id}`)?.querySelector<HTMLDataElement>(VOTE_COUNTS);
  if (!data) return;
  data.value = `${counts.agree},${counts.disagree},${counts.pass}`;
  data.textContent = `${counts.agree} agree · ${counts.disagree} disagree · ${counts.pass} pass`;
}

/**
 * Votes in place: a vote button posts with fetch (the form's token, its own value) and
 * the counts change at once; the reader's own choices are marked (aria-pressed), read
 * from the server once they have voted, as the kept page is the same for everyone.
 * Anything that goes wrong falls back to posting the form as it would without script.
 */
function setUpVotes(section: HTMLElement, slug: string, announcer: HTMLElement | null) {
  const form = document.getElementById('vote') as HTMLFormElement | null;
  const chosen = new Map<number, string>();
  const mark = (root: ParentNode) => {
    for (const button of root.querySelectorAll<HTMLButtonElement>(VOTE_BUTTON)) {
      const comment = button.closest<HTMLElement>('.comment');
      const id = comment ? commentId(comment) : 0;
      button.setAttribute('aria-pressed', String(chosen.get(id) === button.value));
    }
  };
  if (form && document.cookie.split('; ').includes(VOTED_COOKIE)) {
    fetch(`/api/questions/${encodeURIComponent(slug)}/votes/mine`, { credentials: 'same-origin' })
      .then((response) => (response.ok ? response.json() : { votes: {} }))
      .then(({ votes }: { votes: Record<string, string> }) => {
        for (const [id, vote] of Object.entries(votes)) chosen.set(Number(id), vote);
        mark(section);
      })
      .catch(() => {});
  }
  section.addEventListener('click', async (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>(VOTE_BUTTON);
    const comment = button?.closest<HTMLElement>('.comment');
    if (!form || !button || !comment) return;
    event.preventDefault();
    const token = (form.elements.namedItem('_csrf') as HTMLInputElement | null)?.value ?? '';
    try {
      const response = await fetch(button.formAction, {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, vote: button.value }),
        credentials: 'same-origin',
      });
      if (!response.ok) throw new Error(String(response.status));
      const counts = (await response.json()) as VoteCounts;
      const id = commentId(comment);
      chosen.set(id, button.value);
      showVotes(id, counts);
      mark(comment);
      if (announcer) announcer.textContent = `Your vote: ${button.textContent}`;
    } catch {
      form.requestSubmit(button);
    }
  });
  return { mark };
}

function appendChildList(parent: HTMLElement): HTMLOListElement {
  const children = document.createElement('ol');
  parent.append(children);
  return children;
}

/** A top-level answer's score as the page shows it: agree minus disagree (a tombstone shows none: 0). */
function scoreOf(element: Element): number {
  const counts = element.querySelector<HTMLDataElement>(VOTE_COUNTS)?.value.split(',').map(Number);
  return counts ? (counts[0] ?? 0) - (counts[1] ?? 0) : 0;
}

/** The id in a comment element's `id="comment-<id>"`. */
function commentId(element: Element): number {
  return Number(element.id.slice('comment-'.length));
}

function fromHtml(html: string): HTMLElement | null {
  const template = document.createElement('template');
  template.innerHTML = html.trim();
  const element = template.content.firstElementChild as HTMLElement | null;
  if (element) showRelativeTimes(element);
  return element;
}

/** "Reply" moves the form under the comment being answered. */
function setUpReplyLinks(section: HTMLElement): void {
  const respond = document.getElementById('respond');
  const form = respond?.querySelector<HTMLFormElement>('[data-comment-form]');
  if (!respond || !form) return;
  const home = respond.parentElement as HTMLElement;
  const homeNext = respond.nextSibling;
  const heading = respond.querySelector('#respond-heading');
  const parentField = form.elements.namedItem('parent_id') as HTMLInputElement;
  const cancel = document.createElement('a');
  cancel.href = '#respond';
  cancel.textContent = 'Cancel reply';
  cancel.className = 'respond__cancel';
  cancel.hidden = true;
  heading?.after(cancel);

  section.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest(REPLY_LINK);
    const comment = link?.closest('.comment');
    const body = comment?.querySelector(ARTICLE);
    if (!comment || !body) return;
    event.preventDefault();
    body.after(respond);
    parentField.value = String(commentId(comment));
    const author = comment.querySelector(AUTHOR)?.textContent;
    if (heading) heading.textContent = `Reply to ${author || 'this comment'}`;
    cancel.hidden = false;
    form.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  });
  cancel.addEventListener('click', (event) => {
    event.preventDefault();
    home.insertBefore(respond, homeNext);
    parentField.value = '';
    if (heading) heading.textContent = 'Add your answer';
    cancel.hidden = true;
  });
  respond.addEventListener('comment:posted', () => cancel.click());
}

/** Posts the form with fetch; the answer appears at once, errors show inline, nothing typed is lost. */
function setUpForm(slug: string, onPosted: (comment: LiveComment) => void): void {
  const form = document.querySelector<HTMLFormElement>('[data-comment-form]');
  const summary = document.querySelector<HTMLElement>('[data-error-summary]');
  if (!form || !summary) return;
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button) button.disabled = true;
    clearErrors(form, summary);
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(new FormData(form) as unknown as Record<string, string>),
        credentials: 'same-origin',
      });
      const result = await response.json().catch(() => ({ errors: { form: 'The forum did not answer. Try again.' } }));
      if (response.status === 201) {
        onPosted({ ...result, slug } as LiveComment);
        (form.elements.namedItem('body') as HTMLTextAreaElement).value = '';
        document.getElementById('respond')?.dispatchEvent(new Event('comment:posted'));
      } else {
        showErrors(form, summary, result.errors ?? { form: 'Your answer could not be sent. Try again.' });
      }
    } catch {
      showErrors(form, summary, { form: 'Your answer could not be sent: check your connection and try again.' });
    } finally {
      (form.elements.namedItem('captcha_answer') as HTMLInputElement).value = '';
      await refreshCaptcha(slug, form);
      if (button) button.disabled = false;
    }
  });
}

/**
 * A captcha is single-use: after every attempt the form gets a new one, and a fresh CSRF
 * token with it (so a form refused as expired posts when sent again).
 */
async function refreshCaptcha(slug: string, form: HTMLFormElement): Promise<void> {
  try {
    const response = await fetch(`/api/questions/${encodeURIComponent(slug)}/captcha`, { credentials: 'same-origin' });
    if (!response.ok) return;
    const { label, token, csrf_token } = (await response.json()) as {
      label: string;
      token: string;
      csrf_token: string;
    };
    const labelElement = form.querySelector('label[for="captcha_answer"]');
    if (labelElement) labelElement.textContent = label;
    (form.elements.namedItem('captcha_token') as HTMLInputElement).value = token;
    const csrf = form.elements.namedItem('_csrf');
    if (csrf instanceof HTMLInputElement) csrf.value = csrf_token;
  } catch {
    // The old token stays; the server will say it is used, and the next try refreshes.
  }
}

function clearErrors(form: HTMLFormElement, summary: HTMLElement): void {
  summary.hidden = true;
  for (const message of form.querySelectorAll('[data-client-error]')) message.remove();
  for (const group of form.querySelectorAll('.form-group--error')) group.classList.remove('form-group--error');
  for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
}

function showErrors(form: HTMLFormElement, summary: HTMLElement, errors: Record<string, string>): void {
  const list = summary.querySelector('ul') as HTMLUListElement;
  list.replaceChildren();
  for (const [name, message] of Object.entries(errors)) {
    const field = form.elements.namedItem(name);
    const target = field instanceof HTMLElement && field.getAttribute('type') !== 'hidden' ? field : null;
    if (name === 'form' && Object.keys(errors).length > 1) continue;
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#${target ? target.id : 'author'}`;
    link.textContent = message;
    item.append(link);
    list.append(item);
    if (!target) continue;
    const group = target.closest('.form-group');
    group?.classList.add('form-group--error');
    target.setAttribute('aria-invalid', 'true');
    const note = document.createElement('p');
    note.className = 'error-message';
    note.dataset.clientError = '';
    note.id = `${target.id}-error`;
    note.textContent = message;
    target.before(note);
  }
  summary.hidden = false;
  summary.focus();
}

function followAnswerCounts(section: HTMLElement): void {
  const socket: LiveSocket = io({ transports: ['websocket', 'polling'] });
  socket.on('connect', () => socket.emit('questions:follow'));
  socket.on('question:count', ({ slug, answer_count }) => {
    const count = section.querySelector<HTMLElement>(`[data-question-slug="${CSS.escape(slug)}"] [data-answer-count]`);
    if (!count) return;
    count.dataset.answerCount = String(answer_count);
    count.textContent = `${answer_count.toLocaleString('en-GB')} ${answer_count === 1 ? 'answer' : 'answers'}`;
  });
}

/**
 * The server writes relative times ("3 minutes ago"), true when the page was rendered
 * (a kept page up to a minute old). Here they are kept true while the page is open,
 * with the exact moment, in the reader's own time zone, in the title.
 */
function showRelativeTimes(root: ParentNode): void {
  for (const time of root.querySelectorAll<HTMLTimeElement>('.comment time[datetime]')) {
    const when = Date.parse(time.dateTime);
    if (!time.title) time.title = exact.format(when);
    const seconds = Math.round((when - Date.now()) / 1000);
    const unit = UNITS.find(([, size]) => Math.abs(seconds) >= size);
    time.textContent = unit ? relative.format(Math.trunc(seconds / unit[1]), unit[0]) : 'just now';
  }
}

function refreshRelativeTimes(): void {
  showRelativeTimes(document);
  setInterval(() => showRelativeTimes(document), RELATIVE_TIME_REFRESH_MS);
}
