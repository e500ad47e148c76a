import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SaxesParser } from 'saxes';

/** An export that cannot be read (WordPress or Disqus): the file, the line, what is wrong. */
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

export type XmlParser = SaxesParser<{ xmlns: true; position: true }>;

export interface XmlReading<T> {
  /** What the handlers have made of the file so far; yielded and emptied after each chunk. */
  ready: T[];
  /** Asked after each chunk and at the end: why this is not the kind of file expected, if it is not. */
  refuse?: (finished: boolean) => string | null;
}

/**
 * Reads an XML export as a stream, so that a file of hundreds of megabytes never sits
 * in memory: `setup` puts its handlers on the parser, and what they push onto `ready`
 * is yielded after each chunk, before the next is read. XML that is not well-formed
 * throws a WxrFormatError with the line saxes stopped at.
 */
export async function* readXmlFile<T>(
  file: string,
  setup: (parser: XmlParser) => XmlReading<T>,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): AsyncGenerator<T> {
  const totalBytes = (await stat(file)).size;
  const parser: XmlParser = new SaxesParser({ xmlns: true, position: true });
  const { ready, refuse } = setup(parser);
  // The first thing wrong (set by the parser's handler, hence an object the compiler follows).
  const wrong: { at: { message: string; line: number } | null } = { at: null };
  // Reading goes on to the end of the chunk; the line is where the XML went wrong.
  parser.on('error', (error) => {
    wrong.at ??= { message: describeXmlError(error), line: parser.line };
  });
  const failed = (finished: boolean) => {
    const message = refuse?.(finished);
    if (message) wrong.at ??= { message, line: 1 };
    return wrong.at !== null;
  };

  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  let bytesRead = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      bytesRead += Buffer.byteLength(chunk);
      parser.write(chunk);
      if (failed(false)) break;
      yield* ready.splice(0);
      onProgress?.(bytesRead, totalBytes);
    }
    if (!wrong.at) parser.close();
  } catch (error) {
    wrong.at ??= { message: describeXmlError(error), line: parser.line };
  } finally {
    stream.destroy();
  }
  if (failed(true) && wrong.at) throw new WxrFormatError(file, wrong.at.line, wrong.at.message);
  yield* ready.splice(0);
}

/** saxes says "file:line:column: message"; the message is what a person needs. */
function describeXmlError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^(?:[^:]*:)?\d+:\d+:\s*/, '').replace(/\.$/, '');
}
