import { io } from 'socket.io-client';

/**
 * Keyboard shortcuts for the moderation queue: j/k move between comments, a/s/t
 * approve, spam or trash the current one, x selects it for a bulk action. Each
 * shortcut presses the same form button a mouse would, so the queue behaves the
 * same with or without this script.
 */
const ACTION_KEYS: Record<string, string> = { a: 'approve', s: 'spam', t: 'trash' };
const CURRENT = 'queue-item--current';
const POSITION_KEY = 'oq-mod-queue-position';

function rows(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('[data-queue] > [data-comment-id]'));
}

function currentIndex(list: HTMLElement[]): number {
  return list.findIndex((row) => row.classList.contains(CURRENT));
}

function select(list: HTMLElement[], index: number): void {
  const target = list[Math.max(0, Math.min(index, list.length - 1))];
  if (!target) return;
  for (const row of list) row.classList.remove(CURRENT);
  target.classList.add(CURRENT);
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: 'nearest' });
}

function typingInAField(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function onKey(event: KeyboardEvent): void {
  if (event.altKey || event.ctrlKey || event.metaKey || typingInAField(event)) return;
  const list = rows();
  if (list.length === 0) return;
  const index = currentIndex(list);
  const key = event.key.toLowerCase();
  if (key === 'j' || key === 'k') {
    event.preventDefault();
    select(list, index === -1 ? 0 : index + (key === 'j' ? 1 : -1));
    return;
  }
  const row = list[index];
  if (!row) return;
  if (key === 'x') {
    event.preventDefault();
    const box = row.querySelector<HTMLInputElement>('input[type="checkbox"]');
    if (box) box.checked = !box.checked;
    return;
  }
  const action = ACTION_KEYS[key];
  const form = action ? row.querySelector<HTMLFormElement>(`form[data-action="${action}"]`) : null;
  if (!form) return;
  event.preventDefault();
  // The page reloads on the same tab; come back to the same place in the list.
  sessionStorage.setItem(POSITION_KEY, String(index));
  form.requestSubmit();
}

function restorePosition(): void {
  const saved = sessionStorage.getItem(POSITION_KEY);
  sessionStorage.removeItem(POSITION_KEY);
  if (saved !== null) select(rows(), Number(saved));
}

document.addEventListener('keydown', onKey);
document.addEventListener('click', (event) => {
  const row = (event.target as HTMLElement).closest<HTMLElement>('[data-queue] > [data-comment-id]');
  if (row) select(rows(), rows().indexOf(row));
});
restorePosition();
followQueue();

/**
 * The queue live: whenever a comment is held, reported or moderated (by anyone, on any
 * process), the list and its counts are fetched again and swapped in, keeping the row
 * the moderator is on. So a comment another moderator has dealt with leaves this list
 * before anyone works it twice.
 */
function followQueue(): void {
  const region = document.querySelector('[data-queue-region]');
  if (!region) return;
  const announcer = document.querySelector<HTMLElement>('[data-queue-announcer]');
  const socket = io('/mod', { transports: ['websocket', 'polling'] });
  let refreshing = false;
  let again = false;
  socket.on('queue:changed', (change: { change: string; by?: string | null; to?: string }) => {
    if (announcer) {
      announcer.textContent =
        change.change === 'held'
          ? 'A new comment is waiting for moderation.'
          : change.change === 'reported'
            ? 'A comment was reported.'
            : `A comment was moved to ${change.to ?? 'another tab'}${change.by ? ` by ${change.by}` : ''}.`;
    }
    void refresh();
  });

  async function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      const list = rows();
      const currentId = list[currentIndex(list)]?.dataset.commentId;
      const response = await fetch(window.location.href, {
        credentials: 'same-origin',
        headers: { Accept: 'text/html' },
      });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const selector of ['[data-queue-region]', '.queue-tabs']) {
        const fresh = page.querySelector(selector);
        const stale = document.querySelector(selector);
        if (fresh && stale) stale.replaceWith(document.importNode(fresh, true));
      }
      const updated = rows();
      const keep = updated.findIndex((row) => row.dataset.commentId === currentId);
      if (keep >= 0) select(updated, keep);
    } finally {
      refreshing = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }
}
