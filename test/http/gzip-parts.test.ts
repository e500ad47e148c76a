import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateMemo, deflatePart, gzipParts } from '../../src/http/gzip-parts.js';

/** gunzipSync checks the trailer's CRC-32 and length, so a wrong one fails here. */
const gunzip = (pieces: Buffer[]) => gunzipSync(Buffer.concat(pieces)).toString();

describe('gzip from parts deflated at different times', () => {
  const head = Buffer.from('<!doctype html><title>Thread</title><form>token 1</form>');
  const thread = Buffer.from('<li id="comment-1">A shared comment, repeated. </li>'.repeat(2_000));
  const tail = Buffer.from('<input name="_csrf" value="abc"></body>');

  it('joins fresh parts and a part deflated in advance into one valid gzip body', async () => {
    const kept = await deflatePart(thread);
    const body = gzipParts([head, kept, tail]);
    expect(gunzip(body)).toBe(`${head}${thread}${tail}`);
    // The kept part is sent as it was deflated, not deflated again.
    expect(body).toContain(kept.deflated);
    expect(Buffer.concat(body).length).toBeLessThan(thread.length / 10);
  });

  it('ends the stream when the part deflated in advance comes last, and copes with empty parts', async () => {
    const kept = await deflatePart(thread);
    expect(gunzip(gzipParts([head, kept]))).toBe(`${head}${thread}`);
    expect(gunzip(gzipParts([Buffer.alloc(0), kept, Buffer.alloc(0)]))).toBe(thread.toString());
    expect(gunzip(gzipParts([await deflatePart(Buffer.alloc(0))]))).toBe('');
  });

  it('keeps bytes that do not compress, and reuses one kept part in many bodies', async () => {
    const noise = await deflatePart(randomBytes(100_000));
    for (const reader of ['one', 'two']) {
      const body = gunzipSync(Buffer.concat(gzipParts([Buffer.from(reader), noise, Buffer.from(reader)])));
      expect(body.subarray(reader.length, -reader.length).equals(noise.raw)).toBe(true);
    }
  });

  it('deflates a repeated head once, and again when its bytes change', async () => {
    const deflateHead = deflateMemo();
    const first = deflateHead(Buffer.from(head));
    expect(deflateHead(Buffer.from(head))).toBe(first);
    const changed = deflateHead(Buffer.from(`${head}<p>closed</p>`));
    expect(changed).not.toBe(first);
    expect(gunzip(gzipParts([changed, await deflatePart(thread), tail]))).toBe(`${head}<p>closed</p>${thread}${tail}`);
  });
});
