import { describe, expect, it } from 'vitest';
import { PageCache } from '../../src/questions/page-cache.js';

/** A cache of two pages, and a count of loads per key: a kept page is not loaded again. */
function cacheOfTwo() {
  const cache = new PageCache<string>(2, 60_000);
  const loads = new Map<string, number>();
  const get = (key: string, fails = false) =>
    cache.get(1, key, async () => {
      loads.set(key, (loads.get(key) ?? 0) + 1);
      if (fails) throw new Error(`no page ${key}`);
      return `page ${key}`;
    });
  return { get, loads };
}

describe('the page cache', () => {
  it('keeps the most recently used pages', async () => {
    const { get, loads } = cacheOfTwo();
    await get('1');
    await get('2');
    await get('1');
    await get('3'); // evicts 2, the least recently used
    await get('1');
    await get('2');
    expect(loads).toEqual(
      new Map([
        ['1', 1],
        ['2', 2],
        ['3', 1],
      ]),
    );
  });

  it('never evicts a kept page to make room for one that fails to load (?page=999999)', async () => {
    const { get, loads } = cacheOfTwo();
    await get('1');
    await get('2');
    for (let i = 0; i < 5; i += 1) await expect(get(`99999${i}`, true)).rejects.toThrow('no page');
    expect(await get('1')).toBe('page 1');
    expect(await get('2')).toBe('page 2');
    expect([loads.get('1'), loads.get('2')]).toEqual([1, 1]);
  });

  it('does not keep a failed load', async () => {
    const { get, loads } = cacheOfTwo();
    await expect(get('9', true)).rejects.toThrow();
    await expect(get('9', true)).rejects.toThrow();
    expect(loads.get('9')).toBe(2);
  });
});
