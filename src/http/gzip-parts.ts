import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, deflateRawSync } from 'node:zlib';

/**
 * Gzip for pages made of parts that many readers share (the kept thread) and parts of
 * their own (the form and its tokens). A shared part is deflated once, when it is kept;
 * each response deflates only its own small parts and joins the pieces into one gzip
 * member, as Varnish joins gzipped ESI fragments. It works because each piece is
 * deflated on its own (no back-references into another) and all but the last end in a
 * full flush (byte-aligned, not final); the gzip trailer's CRC-32 is carried across the
 * parts, so the readers' bytes are checked as one body (RFC 1952).
 */

/** A part kept with its deflated bytes, ready to be joined into any response. */
export interface DeflatedPart {
  raw: Buffer;
  deflated: Buffer;
}

const deflateRawAsync = promisify(deflateRaw);

/** Deflates a shared part once, off the main thread, ending in a full flush. */
export async function deflatePart(raw: Buffer): Promise<DeflatedPart> {
  return { raw, deflated: await deflateRawAsync(raw, { finishFlush: constants.Z_FULL_FLUSH }) };
}

/**
 * Deflates parts as they come, keeping the last one while the same bytes come again
 * (the head of a kept page is the same for every reader of it until the page changes).
 */
export function deflateMemo(): (raw: Buffer) => DeflatedPart {
  let last: DeflatedPart | undefined;
  return (raw) => {
    if (!last?.raw.equals(raw)) last = { raw, deflated: deflateRawSync(raw, { finishFlush: constants.Z_FULL_FLUSH }) };
    return last;
  };
}

/** ID1 ID2, CM deflate, no flags, no time, no extra flags, OS unknown. */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty final block: ends the deflate stream after a part that was deflated in advance. */
const FINAL_BLOCK = deflateRawSync(Buffer.alloc(0));

/**
 * One gzip body from the parts in order: buffers are deflated now (they are small, so
 * synchronously: a thread-pool round trip would cost more than it saves), deflated
 * parts are used as they are.
 */
export function gzipParts(parts: readonly (Buffer | DeflatedPart)[]): Buffer[] {
  const pieces: Buffer[] = [HEADER];
  let crc = 0;
  let size = 0;
  parts.forEach((part, index) => {
    const last = index === parts.length - 1;
    const raw = Buffer.isBuffer(part) ? part : part.raw;
    crc = crc32(raw, crc);
    size += raw.length;
    if (Buffer.isBuffer(part)) {
      pieces.push(deflateRawSync(part, { finishFlush: last ? constants.Z_FINISH : constants.Z_FULL_FLUSH }));
    } else {
      pieces.push(part.deflated);
      if (last) pieces.push(FINAL_BLOCK);
    }
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  pieces.push(trailer);
  return pieces;
}
