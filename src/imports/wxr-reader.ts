import { readXmlFile } from './xml-file.js';

/** One <wp:comment> as the export has it: every field a string, as written. */
export interface WxrComment {
  line: number;
  fields: Record<string, string>;
}

/** One <item> (a post, page, attachment...) with its comments. */
export interface WxrItem {
  /** Where the item starts in the file, for messages. */
  line: number;
  fields: Record<string, string>;
  /** <category domain="category"> names, in order. */
  categories: string[];
  comments: WxrComment[];
}

/** Text of these elements is what an item is made of; everything else is skipped. */
const WP_NAMESPACE = /^http:\/\/wordpress\.org\/export\/1\.[0-2]\/$/;

/**
 * Reads a WordPress export (WXR) as a stream (readXmlFile), item by item. XML that is
 * not well-formed, or a file with no wp: elements, throws a WxrFormatError with the line.
 */
export async function* readWxr(
  file: string,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): AsyncGenerator<WxrItem | { site: string }> {
  yield* readXmlFile(
    file,
    (parser) => {
      const ready: (WxrItem | { site: string })[] = [];
      let item: WxrItem | null = null;
      let comment: WxrComment | null = null;
      let text = '';
      let category: { domain: string | undefined } | null = null;
      let sawWordPress = false;
      let depthInItem = 0;

      parser.on('opentag', (tag) => {
        text = '';
        if (tag.uri && WP_NAMESPACE.test(tag.uri)) sawWordPress = true;
        if (tag.local === 'item' && !tag.prefix) {
          item = { line: parser.line, fields: {}, categories: [], comments: [] };
          depthInItem = 0;
          return;
        }
        if (!item) return;
        depthInItem += 1;
        if (tag.prefix === 'wp' && tag.local === 'comment') comment = { line: parser.line, fields: {} };
        if (tag.local === 'category' && !tag.prefix) {
          category = { domain: tag.attributes.domain?.value };
        }
      });
      parser.on('text', (chunk) => {
        text += chunk;
      });
      parser.on('cdata', (chunk) => {
        text += chunk;
      });
      parser.on('closetag', (tag) => {
        if (tag.local === 'base_site_url' && tag.prefix === 'wp' && !item) ready.push({ site: text.trim() });
        if (!item) return;
        if (tag.local === 'item' && !tag.prefix) {
          ready.push(item);
          item = null;
          return;
        }
        depthInItem -= 1;
        const name = tag.name;
        if (comment) {
          if (name === 'wp:comment') {
            item.comments.push(comment);
            comment = null;
          } else if (name !== 'wp:commentmeta' && !name.startsWith('wp:meta')) comment.fields[name] = text;
        } else if (category && name === 'category') {
          if (category.domain === 'category' && text.trim()) item.categories.push(text.trim());
          category = null;
        } else if (depthInItem === 0) item.fields[name] = text;
        text = '';
      });
      return {
        ready,
        refuse: (finished) => (finished && !sawWordPress ? 'this is not a WordPress export (no wp: elements)' : null),
      };
    },
    onProgress,
  );
}
