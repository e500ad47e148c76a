import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface PostTable {
  id: Generated<number>;
  slug: string;
  title: string;
  category: string | null;
  /** The date the post gives for its source. */
  published_on: ColumnType<string | null, string | null, string | null>;
  source_title: string | null;
  source_name: string | null;
  /** The citation line exactly as it stands in the body. */
  source_line: string | null;
  body: string;
  created_at: ColumnType<Date, never, never>;
}

export type PostRow = Selectable<PostTable>;
export type NewPostRow = Insertable<PostTable>;
