import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SaxesParser } from 'saxes';

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

export class WxrFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}, line ${line}: ${message}`);
    this.name = 'WxrFormatError';
  }
}

/** Text of these elements is what an item is made of; everything else is skipped. */
const WP_NAMESPACE = /^http:\/\/wordpress\.org\/export\/1\.[0-2]\/$/;

/**
 * Reads a WordPress export (WXR) as a stream, item by item, so that an export of
 * hundreds of megabytes never sits in memory: the items parsed from each chunk are
 * yielded before the next chunk is read. XML that is not well-formed throws a
 * WxrFormatError with the line saxes stopped at.
 */
export async function* readWxr(
  file: string,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): AsyncGenerator<WxrItem | { site: string }> {
  const totalBytes = (await stat(file)).size;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const ready: (WxrItem | { site: string })[] = [];
  let item: WxrItem | null = null;
  let comment: WxrComment | null = null;
  let text = '';
  let category: { domain: string | undefined } | null = null;
  let sawWordPress = false;
  let depthInItem = 0;
  let failure: { error: Error; line: number } | null = null;

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
  // Reading goes on to the end of the chunk; the line is where the XML went wrong.
  parser.on('error', (error) => {
    failure ??= { error, line: parser.line };
  });

  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  let bytesRead = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      bytesRead += Buffer.byteLength(chunk);
      parser.write(chunk);
      if (failure) break;
      yield* ready.splice(0);
      onProgress?.(bytesRead, totalBytes);
    }
    if (!failure) parser.close();
  } catch (error) {
    failure ??= { error: error as Error, line: parser.line };
  } finally {
    stream.destroy();
  }
  if (failure) throw new WxrFormatError(file, failure.line, describeXmlError(failure.error));
  yield* ready.splice(0);
  if (!sawWordPress) throw new WxrFormatError(file, 1, 'this is not a WordPress export (no wp: elements)');
}

/** saxes says "file:line:column: message"; the message is what a person needs. */
function describeXmlError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^(?:[^:]*:)?\d+:\d+:\s*/, '').replace(/\.$/, '');
}
