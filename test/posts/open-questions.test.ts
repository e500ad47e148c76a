import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';
import { findOpenQuestions } from '../../src/posts/open-questions.js';
import { parsePost } from '../../src/posts/post-text.js';

const seed = readFileSync(path.join(PROJECT_ROOT, 'seed', 'multilateral-cyber-security.txt'), 'utf8');

describe('findOpenQuestions on the seed post', () => {
  const post = parsePost(seed);
  const questions = findOpenQuestions(post.body);

  it('finds every open question the author asks, and nothing else', () => {
    expect(questions.map((q) => q.wording)).toEqual([
      'What is being discussed?',
      'Who is involved in the discussion?',
      'What is concluded?',
      'What is this Code of Conduct really about?',
      'What is their definition of cyberspace?',
      'What is their definition of “carry out hostile activities or acts of aggression that pose threats to international peace and security”?',
      'Do the military need to comply to the code?',
      'How useful can it be?',
      'Can it address the issue of hacktivism which we are experiencing now?',
    ]);
  });

  it('quotes each question exactly as it stands in the post, at its place', () => {
    for (const question of questions) {
      expect(post.body.slice(question.start, question.start + question.quote.length)).toBe(question.quote);
    }
    expect(questions.map((q) => q.quote)).toContain('how useful can it be?');
    expect(questions.map((q) => q.quote)).toContain(
      'What is their definition of “carry out hostile activities or acts of aggression that pose threats to international peace and security.”',
    );
  });

  it('gives each question the passage around it', () => {
    for (const question of questions) expect(question.passage).toContain(question.quote);
    const hacktivism = questions.at(-1);
    expect(hacktivism?.passage).toContain('If not, potentially, a nation state');
  });
});

describe('findOpenQuestions reading as a person would', () => {
  const wordings = (body: string) => findOpenQuestions(body).map((q) => q.wording);

  it('takes a sentence ending in a question mark', () => {
    expect(wordings('It rained. Will it rain tomorrow?')).toEqual(['Will it rain tomorrow?']);
  });

  it('drops a lead-in such as "the real question is"', () => {
    expect(wordings('So the real question is whether states will sign?')).toEqual(['Whether states will sign?']);
  });

  it('takes a question that ends with a full stop', () => {
    expect(wordings('Why does the code say nothing about hacktivism.')).toEqual([
      'Why does the code say nothing about hacktivism?',
    ]);
  });

  it('splits one sentence into each question it holds', () => {
    expect(wordings('I would like to know who signed it, why they did and when it takes effect.')).toEqual([
      'Who signed it?',
      'Why they did?',
      'When it takes effect?',
    ]);
  });

  it('ignores statements, even ones with wh-words in them', () => {
    expect(
      wordings('This is what is suspected in the Russia v. Estonia case. I understand and do think we need it.'),
    ).toEqual([]);
    expect(wordings('What a week it has been.')).toEqual([]);
  });

  it('does not end a sentence at an abbreviation', () => {
    const found = findOpenQuestions('Compare Russia v. Estonia in 2007. Is that comparable?');
    expect(found.map((q) => q.quote)).toEqual(['Is that comparable?']);
  });
});
