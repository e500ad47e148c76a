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

describe('parsePost reading a copied page', () => {
  it.each(['Facebook', 'Twitter', 'LinkedIn', 'E-mail', 'Email', 'RSS', 'Share', 'Print', 'X'])(
    'leaves out a share bar with "%s"',
    (word) => {
      expect(parsePost(`${word} Share\nThe title\nThe body.`)).toMatchObject({ title: 'The title', body: 'The body.' });
    },
  );

  it('keeps a first line with other words as the title', () => {
    expect(parsePost('Share this thought\nThe body.')).toMatchObject({
      title: 'Share this thought',
      body: 'The body.',
    });
  });

  it.each([
    'Leave a Reply',
    'Leave a comment',
    '1 Comment',
    '12 comments',
    '1 response',
    '3 Responses to “The title”',
    '1 reply',
    '2 Replies',
    'Comments are closed.',
  ])('ends the body at "%s"', (footer) => {
    expect(parsePost(`The title\nThe body.\n${footer}\nName\nEmail`).body).toBe('The body.');
  });

  it('keeps body lines that only mention replies or comments', () => {
    const body = ['I leave a reply to critics.', 'Comments on the code differ.', '12 commentators agreed.'];
    expect(parsePost(`The title\n${body.join('\n')}`).body).toBe(body.join('\n\n'));
  });

  it('reads the category from a breadcrumb that ends with the title', () => {
    expect(parsePost('Home Law & order The title\nThe title\nBody.').category).toBe('Law & order');
    expect(parsePost('Home The title\nThe title\nBody.')).toMatchObject({ title: 'The title', category: null });
    expect(parsePost('Home Elsewhere\nThe title\nBody.')).toMatchObject({ title: 'The title', category: null });
  });

  it('takes Windows line ends, collapses spaces, composes accents and drops blank lines', () => {
    const post = parsePost('  Caf\u0065\u0301   policy \r\n\r\n\r\nFirst   paragraph.\t\r\n \r\nSecond.');
    expect(post.title).toBe('Caf\u00e9 policy');
    expect(post.body).toBe('First paragraph.\n\nSecond.');
  });

  it('refuses text without a title, or with only a share bar', () => {
    expect(() => parsePost(' \n\n')).toThrow('The post has no title line.');
    expect(() => parsePost('Facebook Twitter\n')).toThrow(PostFormatError);
    expect(() => parsePost('Title\nLeave a Reply\nText')).toThrow('The post has no body below its title.');
  });
});

describe('the cited source', () => {
  it.each([
    ['January', '01'],
    ['February', '02'],
    ['March', '03'],
    ['April', '04'],
    ['May', '05'],
    ['June', '06'],
    ['July', '07'],
    ['August', '08'],
    ['September', '09'],
    ['October', '10'],
    ['November', '11'],
    ['december', '12'],
  ])('reads a date in %s', (month, number) => {
    expect(parsePost(`Title\nBody.\nSome paperThe Times. ${month} 5, 2011`).publishedOn).toBe(`2011-${number}-05`);
  });

  it('splits the article title from the publication where a copied link joined them', () => {
    expect(parsePost('Title\nBody.\nCyber normsThe Daily News, March 15, 2012.')).toMatchObject({
      publishedOn: '2012-03-15',
      source: { title: 'Cyber norms', name: 'The Daily News', line: 'Cyber normsThe Daily News, March 15, 2012.' },
    });
  });

  it('names the publication alone when nothing joins a title to it', () => {
    expect(parsePost('Title\nBody.\nChina Daily. September 19, 2011.').source).toEqual({
      title: null,
      name: 'China Daily',
      line: 'China Daily. September 19, 2011.',
    });
    expect(parsePost('Title\nBody.\nSeptember 19, 2011.').source).toEqual({
      title: null,
      name: null,
      line: 'September 19, 2011.',
    });
  });

  it('is a short line ending in a date, not prose that happens to end in one', () => {
    const line = (length: number) => `${'x'.repeat(length - 'Paper. May 1, 2011'.length)}Paper. May 1, 2011`;
    expect(parsePost(`Title\nBody.\n${line(200)}`).publishedOn).toBe('2011-05-01');
    expect(parsePost(`Title\nBody.\n${line(201)}`)).toMatchObject({ publishedOn: null, source: null });
    expect(parsePost('Title\nBody.\nIt happened on May 1, 2011 in Geneva.')).toMatchObject({ source: null });
    expect(parsePost('Title\nBody.\nThe MayDay 1, 2011')).toMatchObject({ source: null });
  });
});

describe('slugify, at its edges', () => {
  it('keeps at most the number of words asked for', () => {
    expect(slugify('one two three four five six seven eight nine')).toBe('one-two-three-four-five-six-seven-eight');
    expect(slugify('one two three four', 2)).toBe('one-two');
  });

  it("drops apostrophes inside words rather than splitting them: don't → dont", () => {
    expect(slugify("Don't the states’ rules apply")).toBe('dont-the-states-rules-apply');
  });

  it.each(['a', 'an', 'the', 'to', 'of', 'in', 'on', 'for', 'and', 'or', 'which', 'that', 'with', 'by'])(
    'does not end on "%s"',
    (filler) => {
      expect(slugify(`rules ${filler}`)).toBe('rules');
    },
  );

  it('keeps a slug that is one filler word, and a filler inside the slug', () => {
    expect(slugify('The')).toBe('the');
    expect(slugify('Rules of war')).toBe('rules-of-war');
  });
});
