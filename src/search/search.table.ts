/**
 * The comments' search vectors, alone: kept by a trigger on `comments` (migration
 * `2026-12-04T1010-comment-search-table`), read only by search.
 */
export interface CommentSearchTable {
  comment_id: number;
  /** Whether the comment is public (status 'approved'). */
  approved: boolean;
  search_vector: string;
}
