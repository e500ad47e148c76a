import { diffWords } from 'diff';

/** One run of a revision's text: kept, added or taken out since the one before. */
export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/**
 * What changed from one revision of a summary to the next, word by word, on the text
 * the moderator typed (markup included: a changed link is a change). The first
 * revision is all added. Pure.
 */
export function summaryDiff(before: string | null, after: string): DiffPart[] {
  if (before === null) return after === '' ? [] : [{ kind: 'added', text: after }];
  return diffWords(before, after).map((change) => ({
    kind: change.added ? 'added' : change.removed ? 'removed' : 'same',
    text: change.value,
  }));
}

/** How many words were added and taken out: the revision list's one-line account. */
export function diffCounts(parts: readonly DiffPart[]): { added: number; removed: number } {
  const words = (kind: DiffPart['kind']) =>
    parts
      .filter((part) => part.kind === kind)
      .reduce((sum, part) => sum + part.text.split(/\s+/).filter(Boolean).length, 0);
  return { added: words('added'), removed: words('removed') };
}
