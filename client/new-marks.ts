/**
 * New since your last visit: the thread's HTML is shared by every reader (kept rendered),
 * so the server puts only the reader's last-seen comment id on the thread; here every
 * comment after it, other than the reader's own, is marked "New".
 */
export function markNewComments(section: HTMLElement): void {
  const lastSeen = Number(section.dataset.lastSeen);
  if (section.dataset.lastSeen === undefined || !Number.isSafeInteger(lastSeen)) return;
  for (const comment of section.querySelectorAll<HTMLElement>('li.comment[id^="comment-"]')) {
    const id = Number(comment.id.slice('comment-'.length));
    if (!(id > lastSeen) || comment.classList.contains('comment--mine') || comment.classList.contains('comment--new'))
      continue;
    comment.classList.add('comment--new');
    const badge = document.createElement('span');
    badge.className = 'comment__badge comment__badge--new';
    badge.textContent = 'New';
    comment.querySelector(':scope > article > header > b')?.after(' ', badge);
  }
}
