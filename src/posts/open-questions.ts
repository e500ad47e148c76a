/**
 * Finds the open questions an author asks in a post, reading it as a person would:
 * - a sentence ending in "?" is a question, minus a lead-in such as "the question is";
 * - a sentence shaped like a question ("What is their definition of ...") is one even
 *   when it ends with a full stop;
 * - an indirect question ("I'd like to know what is discussed, who is involved and
 *   what is concluded") holds one question per wh-clause.
 * Pure: it sees only the body text, and reports where each question's words stand in it.
 */
export interface FoundQuestion {
  /** The words exactly as they stand in the body. */
  quote: string;
  /** Offset of the quote in the body. */
  start: number;
  /** The question as a reader would ask it: capitalised, ending in "?". */
  wording: string;
  /** The sentences around the question, from its paragraph. */
  passage: string;
}

interface Span {
  text: string;
  start: number;
}

const WH_WORDS = ['what', 'who', 'whom', 'whose', 'which', 'why', 'how', 'when', 'where', 'whether'];
const AUXILIARIES = [
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
];
const WH = WH_WORDS.join('|');
/** "But the question is how useful can it be?": the question is what follows the lead-in. */
const LEAD_IN =
  /^(?:(?:but|and|so|yet|still|now)\s+)?(?:the\s+(?:real\s+|big\s+|key\s+|open\s+)?question\s+is|i\s+wonder(?:\s+if)?|one\s+might\s+ask)[,:]?\s+/i;
/** "What is their definition of ... ." — a question that ends with a full stop. */
const QUESTION_SHAPE = new RegExp(`^(?:${WH})\\s+(?:${AUXILIARIES.join('|')})\\b`, 'i');
/** Verbs after which a wh-clause is something the author wants answered. */
const WANT_TO_KNOW = new RegExp(
  `\\b(?:know|see|learn|understand|wonder|ask|find out|tell (?:me|us))\\b(?:\\s+\\S+){0,4}?\\s+(?=(?:${WH})\\b)`,
  'gi',
);
/** Where one wh-clause of a list ends and the next begins. */
const CLAUSE_SEAM = new RegExp(`(?:,\\s*(?:and\\s+|or\\s+)?|\\s+(?:and|or)\\s+)(?=(?:${WH})\\s)`, 'gi');
/** Abbreviations whose full stop does not end a sentence ("Russia v. Estonia"). */
const ABBREVIATIONS =
  /\b(?:v|vs|e\.g|i\.e|etc|mr|mrs|ms|dr|prof|st|cf|al|u\.s|u\.k|approx|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.$/i;
/** "No. 5" is "number 5"; "They said no. Is that final?" ends a sentence at "no.". */
const NUMBER_SIGN = /\bno\.$/i;
/** Paragraphs up to this length are shown whole as a question's passage. */
const WHOLE_PARAGRAPH_LIMIT = 600;
const SENTENCES_AROUND = 2;

export function findOpenQuestions(body: string): FoundQuestion[] {
  const found: FoundQuestion[] = [];
  for (const paragraph of paragraphsOf(body)) {
    const sentences = sentencesOf(paragraph);
    sentences.forEach((sentence, index) => {
      for (const question of questionsIn(sentence)) {
        found.push({ ...question, passage: passageAround(paragraph, sentences, index) });
      }
    });
  }
  return found;
}

function questionsIn(sentence: Span): Omit<FoundQuestion, 'passage'>[] {
  const { text, start } = sentence;
  if (text.endsWith('?')) {
    const leadIn = LEAD_IN.exec(text);
    const offset = leadIn ? leadIn[0].length : 0;
    const quote = text.slice(offset);
    return [{ quote, start: start + offset, wording: capitalise(quote) }];
  }
  if (QUESTION_SHAPE.test(text)) {
    return [{ quote: text, start, wording: asQuestion(text) }];
  }
  return indirectQuestionsIn(sentence);
}

function indirectQuestionsIn({ text, start }: Span): Omit<FoundQuestion, 'passage'>[] {
  WANT_TO_KNOW.lastIndex = 0;
  const cue = WANT_TO_KNOW.exec(text);
  if (!cue) return [];
  const clauseStart = cue.index + cue[0].length;
  const clauses = text.slice(clauseStart).replace(/[.!…]+["”’)]*$/, '');
  const seams = [...clauses.matchAll(CLAUSE_SEAM)];
  const questions: Omit<FoundQuestion, 'passage'>[] = [];
  let from = 0;
  for (const seam of [...seams, null]) {
    const to = seam ? (seam.index as number) : clauses.length;
    const quote = clauses.slice(from, to).trim();
    // A bare wh-word ("and why") is not a question anyone could answer on its own.
    if (quote.split(/\s+/).length >= 2) {
      questions.push({ quote, start: start + clauseStart + from, wording: asQuestion(quote) });
    }
    if (seam) from = (seam.index as number) + seam[0].length;
  }
  return questions;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "what is concluded" → "What is concluded?"; a quoted ending keeps its quote mark. */
function asQuestion(text: string): string {
  const match = /^(.*?)[.!…]*(["”’)]*)$/s.exec(text.trim()) as RegExpExecArray;
  return `${capitalise(match[1] as string)}${match[2]}?`;
}

function paragraphsOf(body: string): Span[] {
  const paragraphs: Span[] = [];
  // From its first visible character: a line of spaces is not part of any paragraph.
  const pattern = /\S[^\n]*(?:\n(?!\s*\n)[^\n]+)*/g;
  for (const match of body.matchAll(pattern)) {
    paragraphs.push({ text: match[0], start: match.index as number });
  }
  return paragraphs;
}

/** Splits a paragraph into sentences, keeping each one's offset in the body. */
export function sentencesOf(paragraph: Span): Span[] {
  const sentences: Span[] = [];
  const text = paragraph.text;
  const boundary = /[.?!…]+["”’)\]]*(?=\s+["“‘(]?[A-Z0-9]|\s*$)/g;
  let from = 0;
  for (const match of text.matchAll(boundary)) {
    const end = (match.index as number) + match[0].length;
    const candidate = text.slice(from, end);
    if (ABBREVIATIONS.test(candidate) || (NUMBER_SIGN.test(candidate) && /^\s+\d/.test(text.slice(end)))) continue;
    pushTrimmed(sentences, text, from, end, paragraph.start);
    from = end;
  }
  pushTrimmed(sentences, text, from, text.length, paragraph.start);
  return sentences;
}

function pushTrimmed(into: Span[], text: string, from: number, to: number, base: number): void {
  const raw = text.slice(from, to);
  const leading = raw.length - raw.trimStart().length;
  const trimmed = raw.trim();
  if (trimmed) into.push({ text: trimmed, start: base + from + leading });
}

function passageAround(paragraph: Span, sentences: Span[], index: number): string {
  if (paragraph.text.length <= WHOLE_PARAGRAPH_LIMIT) return paragraph.text;
  const first = Math.max(0, index - SENTENCES_AROUND);
  const last = Math.min(sentences.length - 1, index + SENTENCES_AROUND);
  const window = sentences
    .slice(first, last + 1)
    .map((sentence) => sentence.text)
    .join(' ');
  return `${first > 0 ? '… ' : ''}${window}${last < sentences.length - 1 ? ' …' : ''}`;
}
