import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SaxesParser } from 'saxes';
import { WxrFormatError } from './wxr-reader.js';

/**
 * One <thread> or <post> of a Disqus export, as written: its child elements' text by
 * path (`title`, `author/email`) and their `dsq:id` attributes by path and `@id`
 * (`thread@id`, `parent@id`); its own `dsq:id` is `@id`.
 */
export interface DisqusElement {
  kind: 'thread' | 'post';
  /** Where the element starts in the file, for messages. */
  line: number;
  fields: Record<string, string>;
}

const DISQUS_NAMESPACE = 'http://disqus.com';
const INTERNALS_NAMESPACE = 'http://disqus.com/disqus-internals';

/**
 * Reads a Disqus export (Disqus admin → Moderation → Export) as a stream, element by
 * element. XML that is not well-formed, or a file that is not a Disqus export, throws
 * a WxrFormatError (the same error as a broken WordPress export) with the line.
 */
export async function* readDisqus(
  file: string,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): AsyncGenerator<DisqusElement> {
  const totalBytes = (await stat(file)).size;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const ready: DisqusElement[] = [];
  let element: DisqusElement | null = null;
  /** The path below the element being read: ['author', 'email']. */
  const path: string[] = [];
  let depth = 0;
  let text = '';
  let sawDisqus = false;
  let failure: { error: Error; line: number } | null = null;

  parser.on('opentag', (tag) => {
    depth += 1;
    text = '';
    if (depth === 1) {
      sawDisqus = tag.local === 'disqus' && tag.uri === DISQUS_NAMESPACE;
      return;
    }
    const id = Object.values(tag.attributes).find(
      (attribute) => attribute.local === 'id' && attribute.uri === INTERNALS_NAMESPACE,
    )?.value;
    if (depth === 2) {
      if (tag.local === 'thread' || tag.local === 'post') {
        element = { kind: tag.local, line: parser.line, fields: id === undefined ? {} : { '@id': id } };
      }
      return;
    }
    if (!element) return;
    path.push(tag.local);
    if (id !== undefined) element.fields[`${path.join('/')}@id`] = id;
  });
  parser.on('text', (chunk) => {
    text += chunk;
  });
  parser.on('cdata', (chunk) => {
    text += chunk;
  });
  parser.on('closetag', () => {
    depth -= 1;
    if (!element) return;
    if (depth === 1) {
      ready.push(element);
      element = null;
      return;
    }
    element.fields[path.join('/')] = text;
    path.pop();
    text = '';
  });
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
      if (!sawDisqus && depth > 0) {
        failure = { error: new Error('this is not a Disqus export (no <disqus> element)'), line: 1 };
        break;
      }
      yield* ready.splice(0);
      onProgress?.(bytesRead, totalBytes);
    }
    if (!failure) parser.close();
  } catch (error) {
    failure ??= { error: error as Error, line: parser.line };
  } finally {
    stream.destroy();
  }
  if (failure) throw new WxrFormatError(file, failure.line, describe(failure.error));
  if (!sawDisqus) throw new WxrFormatError(file, 1, 'this is not a Disqus export (no <disqus> element)');
  yield* ready.splice(0);
}

/**
 * Whether an XML file is a Disqus export rather than a WordPress one: its root element,
 * the first after the declaration, comments and a doctype (given the file's start).
 */
export function looksLikeDisqus(start: string): boolean {
  const prolog = /^(?:\uFEFF)?(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*/i;
  return /^<disqus[\s>/]/.test(start.replace(prolog, ''));
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^(?:[^:]*:)?\d+:\d+:\s*/, '').replace(/\.$/, '');
}
