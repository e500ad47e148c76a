import type { ColumnType } from 'kysely';

export interface WordpressImportTable {
  /** The export's wp:base_site_url: ids are the site's own. */
  site: string;
  kind: 'post' | 'comment';
  wordpress_id: ColumnType<string, number, never>;
  local_id: number;
  imported_at: ColumnType<Date, never, never>;
}
