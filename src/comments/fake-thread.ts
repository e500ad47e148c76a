/**
 * Made-up threads for measuring the forum at sizes it has not reached yet (issue 6).
 * Pure and seeded: the same options always give the same thread, so two benchmark
 * runs read the same pages. Comments are written as people type them (plain text,
 * blank lines between paragraphs, a little of the allowed markup); storing them is
 * seed-fake-thread.ts's job, through the same sanitizer and placement as real ones.
 */
export interface FakeThreadOptions {
  count: number;
  /** Same seed, same thread. */
  seed: number;
  /** When the last comment was written; the others came before it, about a minute apart. */
  end: Date;
}

export interface FakeComment {
  /** Generation index of the comment this one answers; null for a new answer to the question. */
  replyTo: number | null;
  author: string;
  email: string;
  url: string | null;
  /** As typed into the form, before sanitizing. */
  body: string;
  createdAt: Date;
}

/** Real threads: most comments answer someone, about a third answer the question itself. */
const TOP_LEVEL_SHARE = 0.3;
/** Most replies are to the conversation going on right now: one of the latest comments. */
const RECENT_REPLY_SHARE = 0.6;
const RECENT_WINDOW = 20;
const INTERVAL_MS = 60_000;

export function* fakeThread(options: FakeThreadOptions): Generator<FakeComment> {
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const start = options.end.getTime() - (options.count - 1) * INTERVAL_MS;
  for (let index = 0; index < options.count; index += 1) {
    const replyTo = chooseAnswered(index, random);
    const person = choosePerson(random);
    yield {
      replyTo,
      ...person,
      body: fakeBody(random, pick, replyTo !== null),
      // Jitter under one interval keeps creation order equal to id order.
      createdAt: new Date(start + index * INTERVAL_MS - Math.floor(random() * INTERVAL_MS * 0.9)),
    };
  }
}

function chooseAnswered(index: number, random: () => number): number | null {
  if (index === 0 || random() < TOP_LEVEL_SHARE) return null;
  if (random() < RECENT_REPLY_SHARE) return Math.max(0, index - 1 - Math.floor(random() * RECENT_WINDOW));
  // The rest answer any earlier comment, so early comments gather the biggest subthreads.
  return Math.floor(random() * index);
}

// biome-ignore format: names read better in rows than one per line
const FIRST_NAMES = [
  'Ana', 'Ben', 'Chen', 'Dara', 'Elif', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kemi', 'Lars',
  'Maya', 'Nikolai', 'Olga', 'Pedro', 'Qian', 'Rosa', 'Sami', 'Tomás', 'Uma', 'Viktor', 'Wen', 'Yusuf', 'Zoë',
];
// biome-ignore format: names read better in rows than one per line
const SURNAMES = [
  'Almeida', 'Brandt', 'Castro', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Haddad', 'Ivanova', 'Jensen',
  'Kowalski', 'Lee', 'Moreau', 'Novak', "O'Brien", 'Petrov', 'Rossi', 'Sato', 'Tanaka', 'Weber',
];
/** A handful of regulars write a large share of any busy thread. */
const REGULARS = 12;
const REGULAR_SHARE = 0.4;

function choosePerson(random: () => number): Pick<FakeComment, 'author' | 'email' | 'url'> {
  const people = FIRST_NAMES.length * SURNAMES.length;
  const n = random() < REGULAR_SHARE ? Math.floor(random() * REGULARS) : Math.floor(random() * people);
  const first = FIRST_NAMES[n % FIRST_NAMES.length] as string;
  const last = SURNAMES[Math.floor(n / FIRST_NAMES.length)] as string;
  const handle = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
  return {
    author: `${first} ${last}`,
    email: `${handle}@example.org`,
    url: n % 7 === 0 ? `https://example.org/~${handle}` : null,
  };
}

const SENTENCES = [
  'The code of conduct says nothing about who decides what counts as an information weapon.',
  'Sovereignty over information space is the heart of the proposal, and that is what worries me.',
  'I read the 2011 letter to the Secretary-General again, and the wording is vaguer than I remembered.',
  'Whoever defines cyberspace defines what states may police in it.',
  'A voluntary code has no teeth, but it frames the negotiation that follows.',
  'Compare this with the Budapest Convention, which at least names the offences.',
  'The drafters seem to treat the network and the content on it as the same thing.',
  'Nobody outside the drafting states was in the room, as far as I can tell.',
  'That is a fair point.',
  'I am not sure the distinction holds in practice.',
  'Civil society groups asked for a seat and were told the text was between governments.',
  'If the definition covers content, then criticism of a government could be called a threat to stability.',
  'Technical standards bodies already do much of what the code asks states to do.',
  'What happens when two signatories disagree about an incident?',
  'The GGE reports since then have moved towards applying existing international law.',
  'Confidence-building measures are only useful if someone checks that they are kept.',
  'Thanks, that helps.',
  'Could you say where the text says that? I cannot find it.',
  'The phrase about "information security" does a lot of work here.',
  'In my experience the national CERTs cooperate well whatever the diplomats sign.',
  'This reads very differently once you have seen the domestic laws of the sponsors.',
  'I would like to see the travaux préparatoires before drawing conclusions.',
  'The multistakeholder model is not perfect, but it is the only one with a track record.',
  'A treaty would at least be debated in parliaments; a code of conduct is not.',
];
const PHRASES = [
  'information space',
  'sovereignty',
  'voluntary',
  'state behaviour',
  'the drafting states',
  'stability',
];
const SOURCES = [
  ['https://example.org/un/a-66-359', 'the 2011 letter (A/66/359)'],
  ['https://example.org/coe/budapest-convention', 'the Budapest Convention'],
  ['https://example.org/gge/2015-report', 'the 2015 GGE report'],
  ['https://example.net/blog/code-of-conduct-explained', 'this explainer'],
] as const;

/** 1–2 short paragraphs usually; now and then a long argument with quotes and sources. */
function fakeBody(random: () => number, pick: <T>(items: readonly T[]) => T, isReply: boolean): string {
  const size = random();
  const paragraphCount = size < 0.45 ? 1 : size < 0.85 ? 1 + Math.floor(random() * 2) : 3 + Math.floor(random() * 4);
  const paragraphs: string[] = [];
  for (let p = 0; p < paragraphCount; p += 1) {
    const sentenceCount = 1 + Math.floor(random() * (paragraphCount === 1 ? 3 : 5));
    paragraphs.push(Array.from({ length: sentenceCount }, () => pick(SENTENCES)).join(' '));
  }
  const markup = random();
  if (markup < 0.15) {
    const phrase = pick(PHRASES);
    const tag = random() < 0.7 ? 'em' : 'strong';
    paragraphs[0] = `${paragraphs[0]} The key word is <${tag}>${phrase}</${tag}>.`;
  } else if (markup < 0.25) {
    const [href, title] = pick(SOURCES);
    paragraphs.push(`See <a href="${href}">${title}</a> for the text itself.`);
  } else if (markup < 0.3) {
    paragraphs.push(`Source: ${pick(SOURCES)[0]}`);
  } else if (markup < 0.33) {
    paragraphs.push(
      'The <abbr title="Group of Governmental Experts">GGE</abbr> said as much: <q>existing law applies</q>.',
    );
  }
  if (isReply && random() < 0.12) paragraphs.unshift(`<blockquote>${pick(SENTENCES)}</blockquote>`);
  return paragraphs.join('\n\n');
}

/** A small, fast, seedable generator (Tommy Ettinger's Mulberry32): Math.random has no seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
