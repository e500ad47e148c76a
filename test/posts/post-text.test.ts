import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';
import { PostFormatError, parsePost, slugify } from '../../src/posts/post-text.js';

const seed = readFileSync(path.join(PROJECT_ROOT, 'seed', 'multilateral-cyber-security.txt'), 'utf8');

describe('parsePost', () => {
  it('reads the title, category, source and date of the seed post', () => {
    const post = parsePost(seed);
    expect(post.title).toBe('Multilateral Cyber Security');
    expect(post.slug).toBe('multilateral-cyber-security');
    expect(post.category).toBe('Cyber world, politics & diplomacy');
    expect(post.publishedOn).toBe('2011-09-19');
    expect(post.source).toMatchObject({ title: 'Multilateral cyber security', name: 'China Daily' });
  });

  it('keeps the body and leaves out the share bar and the comment form', () => {
    const post = parsePost(seed);
    expect(post.body.startsWith('I saw this very interesting piece of news')).toBe(true);
    expect(post.body.endsWith('back in 2007 and 2008 respectively.')).toBe(true);
    expect(post.body).not.toContain('Facebook Twitter');
    expect(post.body).not.toContain('Leave a Reply');
    expect(post.body).not.toContain('4 + nine =');
    expect(post.body.split('\n\n')).toHaveLength(8);
  });

  it('reads a plain post with no breadcrumb', () => {
    const post = parsePost('A plain title\n\nFirst paragraph.\n\nIs this a question?\n');
    expect(post).toMatchObject({ title: 'A plain title', category: null, source: null, publishedOn: null });
    expect(post.body).toBe('First paragraph.\n\nIs this a question?');
  });

  it('refuses text with no body', () => {
    expect(() => parsePost('Only a title\n')).toThrow(PostFormatError);
  });
});

describe('slugify', () => {
  it('makes short ASCII slugs that do not end on a filler word', () => {
    expect(slugify('Do the military need to comply to the code?')).toBe('do-the-military-need-to-comply');
    expect(slugify('Qu’est-ce que la cybersécurité ?')).toBe('quest-ce-que-la-cybersecurite');
    expect(slugify('???')).toBe('question');
  });
});
