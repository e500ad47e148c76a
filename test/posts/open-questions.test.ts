import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';
import { findOpenQuestions, sentencesOf } from '../../src/posts/open-questions.js';
import { parsePost } from '../../src/posts/post-text.js';

const seed = readFileSync(path.join(PROJECT_ROOT, 'seed', 'multilateral-cyber-security.txt'), 'utf8');
const seedBody = () => parsePost(seed).body;

describe('findOpenQuestions on the seed post', () => {
  it('finds every open question the author asks, and nothing else', () => {
    expect(findOpenQuestions(seedBody()).map((q) => q.wording)).toEqual([
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
    const body = seedBody();
    const questions = findOpenQuestions(body);
    for (const question of questions) {
      expect(body.slice(question.start, question.start + question.quote.length)).toBe(question.quote);
    }
    expect(questions.map((q) => q.quote)).toContain('how useful can it be?');
    expect(questions.map((q) => q.quote)).toContain(
      'What is their definition of “carry out hostile activities or acts of aggression that pose threats to international peace and security.”',
    );
  });

  it('gives each question the paragraph around it', () => {
    const questions = findOpenQuestions(seedBody());
    for (const question of questions) expect(question.passage).toContain(question.quote);
    expect(questions.at(-1)?.passage).toContain('If not, potentially, a nation state');
  });
});

const wordings = (body: string) => findOpenQuestions(body).map((q) => q.wording);
const quotes = (body: string) => findOpenQuestions(body).map((q) => q.quote);

describe('findOpenQuestions reading as a person would', () => {
  it('takes a sentence ending in a question mark', () => {
    expect(wordings('It rained. Will it rain tomorrow?')).toEqual(['Will it rain tomorrow?']);
  });

  it.each([
    ['The question is: will they sign?', 'will they sign?'],
    ['But the question is how useful can it be?', 'how useful can it be?'],
    ['And the big question is, who pays?', 'who pays?'],
    ['So the real question is whether states will sign?', 'whether states will sign?'],
    ['Yet the key question is who decides?', 'who decides?'],
    ['Still the open question is why now?', 'why now?'],
    ['Now the question\nis  who pays?', 'who pays?'],
    ['I wonder if they will sign?', 'they will sign?'],
    ['I wonder who pays?', 'who pays?'],
    ['One might ask: why now?', 'why now?'],
  ])('drops the lead-in of "%s"', (sentence, quote) => {
    const body = `A statement first. ${sentence}`;
    const [found] = findOpenQuestions(body);
    expect(found?.quote).toBe(quote);
    expect(found?.start).toBe(body.length - quote.length);
    expect(found?.wording).toBe(quote.charAt(0).toUpperCase() + quote.slice(1));
  });

  it('keeps words that only look like a lead-in in the middle of a question', () => {
    expect(quotes('Everyone asks whether the question is fair?')).toEqual([
      'Everyone asks whether the question is fair?',
    ]);
    expect(quotes('Was the question is a typo?')).toEqual(['Was the question is a typo?']);
  });

  it.each(['what', 'who', 'whom', 'whose', 'which', 'why', 'how', 'when', 'where', 'whether'])(
    'takes "%s" and an auxiliary as a question even with a full stop',
    (wh) => {
      const cap = wh.charAt(0).toUpperCase() + wh.slice(1);
      expect(wordings(`${cap} is the plan.`)).toEqual([`${cap} is the plan?`]);
    },
  );

  it.each([
    'is',
    'are',
    'was',
    'were',
    'do',
    'does',
    'did',
    'can',
    'could',
    'should',
    'would',
    'will',
    'shall',
    'has',
    'have',
    'had',
    'might',
    'must',
    'may',
  ])('takes "what %s …" as a question', (auxiliary) => {
    expect(wordings(`What ${auxiliary} they say.`)).toEqual([`What ${auxiliary} they say?`]);
  });

  it('keeps a quoted ending inside the question', () => {
    expect(wordings('Why is it “hostile.”')).toEqual(['Why is it “hostile”?']);
    expect(wordings('What does it say (in article 2)!')).toEqual(['What does it say (in article 2)?']);
  });

  it('needs the wh-word and the auxiliary as whole words', () => {
    expect(wordings('What island they found.')).toEqual([]);
    expect(wordings('Whatever is said stays.')).toEqual([]);
    expect(wordings('What a week it has been.')).toEqual([]);
  });

  it('splits one sentence into each question it holds', () => {
    expect(wordings('I would like to know who signed it, why they did and when it takes effect.')).toEqual([
      'Who signed it?',
      'Why they did?',
      'When it takes effect?',
    ]);
    expect(wordings('Tell me who signed it, or why they did, and whether it holds…')).toEqual([
      'Who signed it?',
      'Why they did?',
      'Whether it holds?',
    ]);
    expect(wordings('We must find out which states signed or how many did!')).toEqual([
      'Which states signed?',
      'How many did?',
    ]);
  });

  it.each(['know', 'see', 'learn', 'understand', 'wonder', 'ask', 'find out', 'tell me', 'tell us'])(
    'reads a wh-clause after "%s" as a question',
    (verb) => {
      const body = `I ${verb} who signed it.`;
      const [found] = findOpenQuestions(body);
      expect(found).toMatchObject({ quote: 'who signed it', wording: 'Who signed it?' });
      expect(body.slice(found?.start, (found?.start ?? 0) + 'who signed it'.length)).toBe('who signed it');
    },
  );

  it('lets up to four words stand between the verb and the clause', () => {
    expect(wordings('I want to know in some legal detail who signed it.')).toEqual(['Who signed it?']);
    expect(wordings('I want to know in some more legal detail who signed it.')).toEqual([]);
    expect(wordings('Acknowledge who signed it.')).toEqual([]);
  });

  it('drops only the end punctuation of the last clause', () => {
    expect(quotes('I want to know who signed it... and why it matters!!')).toEqual([
      'who signed it...',
      'why it matters',
    ]);
  });

  it('ignores a bare wh-word in a list of clauses', () => {
    expect(wordings('I want to know who signed it, why and when it ends.')).toEqual([
      'Who signed it?',
      'When it ends?',
    ]);
  });

  it('ignores statements, even ones with wh-words in them', () => {
    expect(
      wordings('This is what is suspected in the Russia v. Estonia case. I understand and do think we need it.'),
    ).toEqual([]);
    expect(wordings('What a week it has been.')).toEqual([]);
  });

  it.each([
    'v.',
    'vs.',
    'e.g.',
    'i.e.',
    'etc.',
    'Mr.',
    'Mrs.',
    'Ms.',
    'Dr.',
    'Prof.',
    'St.',
    'cf.',
    'al.',
    'U.S.',
    'U.K.',
    'approx.',
    'Jan.',
    'Feb.',
    'Mar.',
    'Apr.',
    'Jun.',
    'Jul.',
    'Aug.',
    'Sep.',
    'Sept.',
    'Oct.',
    'Nov.',
    'Dec.',
  ])('does not end a sentence at "%s"', (abbreviation) => {
    const body = `Is it like ${abbreviation} Estonia in 2007?`;
    expect(quotes(body)).toEqual([body]);
  });

  it('ends a sentence at a word that merely ends like an abbreviation', () => {
    expect(quotes('They said no. Is that final?')).toEqual(['Is that final?']);
    expect(quotes('See rule No. 5 in the code. Is that final?')).toEqual(['Is that final?']);
    expect(quotes('Is rule No. 5 final?')).toEqual(['Is rule No. 5 final?']);
    expect(quotes('It went to Kiev. Is that right?')).toEqual(['Is that right?']);
  });

  it('reads a last sentence without its full stop', () => {
    const body = 'It rained.  What is next';
    expect(findOpenQuestions(body)).toEqual([
      { quote: 'What is next', start: 12, wording: 'What is next?', passage: body },
    ]);
  });

  it('reads each paragraph on its own, and a single newline as part of one', () => {
    const body = 'First line\nWhat is it?\n\n  \nWho signed it?';
    expect(findOpenQuestions(body).map(({ quote, start, passage }) => ({ quote, start, passage }))).toEqual([
      { quote: 'First line\nWhat is it?', start: 0, passage: 'First line\nWhat is it?' },
      { quote: 'Who signed it?', start: 27, passage: 'Who signed it?' },
    ]);
  });
});

describe('the passage shown with a question', () => {
  // Twelve sentences of 60 characters: a 731-character paragraph.
  const sentence = (n: number) => `Sentence ${String(n).padStart(2, '0')} is a statement padded out to sixty chars.`;
  const longParagraph = (questionAt: number) =>
    Array.from({ length: 12 }, (_, i) =>
      i === questionAt ? 'Is this the question we were asking here?' : sentence(i),
    ).join(' ');

  it('is the whole paragraph up to 600 characters', () => {
    const body = `${'Words and more words. '.repeat(27)}Is it whole?`.slice(-600);
    expect(body).toHaveLength(600);
    expect(findOpenQuestions(body).at(-1)?.passage).toBe(body);
  });

  it('is two sentences either side in a longer paragraph, with ellipses where it is cut', () => {
    const body = longParagraph(5);
    expect(body.length).toBeGreaterThan(600);
    expect(findOpenQuestions(body)[0]?.passage).toBe(
      `… ${sentence(3)} ${sentence(4)} Is this the question we were asking here? ${sentence(6)} ${sentence(7)} …`,
    );
  });

  it('has no ellipsis at the paragraph’s start or end', () => {
    expect(findOpenQuestions(longParagraph(0))[0]?.passage).toBe(
      `Is this the question we were asking here? ${sentence(1)} ${sentence(2)} …`,
    );
    expect(findOpenQuestions(longParagraph(11))[0]?.passage).toBe(
      `… ${sentence(9)} ${sentence(10)} Is this the question we were asking here?`,
    );
    expect(findOpenQuestions(longParagraph(2))[0]?.passage).toBe(
      `${sentence(0)} ${sentence(1)} Is this the question we were asking here? ${sentence(3)} ${sentence(4)} …`,
    );
  });

  it('is a paragraph of one long sentence shown whole', () => {
    const body = `Is ${'very '.repeat(150)}long?`;
    expect(findOpenQuestions(body)[0]?.passage).toBe(body);
  });
});

describe('sentencesOf', () => {
  it('splits at end punctuation followed by a capital, a digit or an opening quote, keeping offsets', () => {
    const paragraph = {
      text: 'He said “Yes.” Then (again) it ended! 2011 came… “Why?” (Who knows.) [ok] no. end',
      start: 10,
    };
    expect(sentencesOf(paragraph)).toEqual([
      { text: 'He said “Yes.”', start: 10 },
      { text: 'Then (again) it ended!', start: 25 },
      { text: '2011 came…', start: 48 },
      { text: '“Why?”', start: 59 },
      { text: '(Who knows.) [ok] no. end', start: 66 },
    ]);
  });
});

// Sentences of several kinds, joined into paragraphs, for the rules that hold for any post.
const sentencePool = [
  'It rained in Geneva.',
  'What is their definition of cyberspace?',
  'Why does the code say nothing.',
  'I would like to know who signed it, why they did and when it takes effect.',
  'But the question is how useful can it be?',
  'Compare Russia v. Estonia, e.g. in 2007.',
  'He said “What is it?”',
  'No one knows',
  'The U.S. and the U.K. agreed.',
  'So the real question is whether states will sign?',
  'Statements, commas; and semicolons…',
];
const post = fc
  .array(fc.array(fc.constantFrom(...sentencePool), { minLength: 1, maxLength: 14 }), { minLength: 1, maxLength: 4 })
  .chain((paragraphs) =>
    fc.array(fc.constantFrom(' ', '  ', '\n'), { minLength: 60, maxLength: 60 }).map((spaces) =>
      paragraphs
        .map((p) =>
          p
            .map((s, i) => s + (spaces[i] ?? ' '))
            .join('')
            .trim(),
        )
        .join('\n\n'),
    ),
  );

describe('any post', () => {
  it('yields questions whose quotes stand in the post at their offsets, in order, each worded as a question', () => {
    fc.assert(
      fc.property(post, (body) => {
        let previous = -1;
        for (const question of findOpenQuestions(body)) {
          expect(body.slice(question.start, question.start + question.quote.length)).toBe(question.quote);
          expect(question.start).toBeGreaterThan(previous);
          previous = question.start;
          expect(question.quote).toBe(question.quote.trim());
          expect(question.wording).toMatch(/^[A-Z“(].*\?$/s);
          expect(question.passage).toContain(question.quote);
          expect(body).toContain(question.passage.replace(/^… /, '').replace(/ …$/, '').split(' ')[0]);
        }
      }),
    );
  });
});
