import { readXmlFile } from './xml-file.js';

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
 * Reads a Disqus export (Disqus admin → Moderation → Export) as a stream (readXmlFile),
 * element by element. XML that is not well-formed, or a file that is not a Disqus
 * export, throws a WxrFormatError (as a broken WordPress export does) with the line.
 */
export async function* readDisqus(
  file: string,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): AsyncGenerator<DisqusElement> {
  yield* readXmlFile(
    file,
    (parser) => {
      const ready: DisqusElement[] = [];
      let element: DisqusElement | null = null;
      /** The path below the element being read: ['author', 'email']. */
      const path: string[] = [];
      let depth = 0;
      let text = '';
      /** Known once the root element is read. */
      let isDisqus: boolean | undefined;

      parser.on('opentag', (tag) => {
        depth += 1;
        text = '';
        if (depth === 1) {
          isDisqus = tag.local === 'disqus' && tag.uri === DISQUS_NAMESPACE;
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
      // Known from the root element, so a WordPress export is refused at its first chunk.
      return {
        ready,
        refuse: (finished) =>
          isDisqus === false || (finished && !isDisqus) ? 'this is not a Disqus export (no <disqus> element)' : null,
      };
    },
    onProgress,
  );
}

/**
 * Whether an XML file is a Disqus export rather than a WordPress one: its root element,
 * the first after the declaration, comments and a doctype (given the file's start).
 */
export function looksLikeDisqus(start: string): boolean {
  const prolog = /^(?:\uFEFF)?(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*/i;
  return /^<disqus[\s>/]/.test(start.replace(prolog, ''));
}
