import type { QuestionStatus } from '../questions/question.table.js';

/** How each status reads on a badge, on the front page, the thread and in feeds. */
export const STATUS_LABELS: Record<QuestionStatus, string> = {
  open: 'Open',
  'in-review': 'In review',
  concluded: 'Concluded',
};

/** What a badge needs: the label people read and the status a stylesheet keys on. */
export function statusBadge(status: QuestionStatus): { status: QuestionStatus; label: string } {
  return { status, label: STATUS_LABELS[status] };
}
