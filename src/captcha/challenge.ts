import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The arithmetic captcha, like the seed's `4 + nine =`. Stateless to serve: the
 * challenge travels in a token signed with a server secret. Single use is enforced
 * by the caller, which records each solved token's nonce in the database.
 * Pure apart from the randomness, which callers may inject.
 */
export type Operator = '+' | '-' | '×';

export interface Challenge {
  left: number;
  operator: Operator;
  right: number;
  /** How each operand is shown: digits or an English word. */
  leftAsWord: boolean;
  rightAsWord: boolean;
}

export interface CaptchaClaims {
  nonce: string;
  questionId: number;
  challenge: Challenge;
  issuedAt: number;
  expiresAt: number;
}

export type CaptchaFailure =
  | 'missing'
  | 'malformed'
  | 'forged'
  | 'expired'
  | 'wrong-question'
  | 'wrong-answer'
  | 'too-fast';

export type CaptchaCheck = { ok: true; claims: CaptchaClaims } | { ok: false; reason: CaptchaFailure };

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];
const MAX_OPERAND = 20;
// Multiplication stays with small operands so the answer is mental arithmetic.
const MAX_FACTOR = 9;
const TOKEN_VERSION = 'c1';

export type Random = (minInclusive: number, maxExclusive: number) => number;

export function makeChallenge(random: Random = randomInt): Challenge {
  const operator = (['+', '-', '×'] as const)[random(0, 3)] as Operator;
  const max = operator === '×' ? MAX_FACTOR : MAX_OPERAND;
  let left = random(0, max + 1);
  let right = random(0, max + 1);
  // A subtraction never has a negative result.
  if (operator === '-' && right > left) [left, right] = [right, left];
  return { left, operator, right, leftAsWord: random(0, 2) === 1, rightAsWord: random(0, 2) === 1 };
}

/** The question as the label shows it: `4 + nine =`. */
export function describeChallenge(challenge: Challenge): string {
  const show = (n: number, asWord: boolean) => (asWord ? (NUMBER_WORDS[n] as string) : String(n));
  return `${show(challenge.left, challenge.leftAsWord)} ${challenge.operator} ${show(challenge.right, challenge.rightAsWord)} =`;
}

export function solve(challenge: Challenge): number {
  switch (challenge.operator) {
    case '+':
      return challenge.left + challenge.right;
    case '-':
      return challenge.left - challenge.right;
    case '×':
      return challenge.left * challenge.right;
  }
}

/** Reads an answer given in digits ("13") or words ("thirteen"); null when it is neither. */
export function parseAnswer(answer: string): number | null {
  const text = answer.trim().toLowerCase();
  if (/^\d{1,4}$/.test(text)) return Number(text);
  const word = NUMBER_WORDS.indexOf(text);
  if (word >= 0) return word;
  const tens: Record<string, number> = {
    twenty: 20,
    thirty: 30,
    forty: 40,
    fifty: 50,
    sixty: 60,
    seventy: 70,
    eighty: 80,
    ninety: 90,
  };
  const compound =
    /^(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](one|two|three|four|five|six|seven|eight|nine))?$/.exec(
      text,
    );
  if (!compound) return null;
  return (tens[compound[1] as string] as number) + (compound[2] ? NUMBER_WORDS.indexOf(compound[2]) : 0);
}

export function issueToken(
  secret: string,
  questionId: number,
  options: { now?: number; ttlMs: number; challenge?: Challenge },
): { token: string; claims: CaptchaClaims } {
  const issuedAt = options.now ?? Date.now();
  const claims: CaptchaClaims = {
    nonce: randomBytes(16).toString('base64url'),
    questionId,
    challenge: options.challenge ?? makeChallenge(),
    issuedAt,
    expiresAt: issuedAt + options.ttlMs,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${TOKEN_VERSION}.${payload}.${sign(secret, payload)}`, claims };
}

export function checkAnswer(
  secret: string,
  token: string | undefined,
  answer: string | undefined,
  expected: { questionId: number; now?: number; minAgeMs: number; answerRequired?: boolean },
): CaptchaCheck {
  if (!token) return { ok: false, reason: 'missing' };
  const [version, payload, signature] = token.split('.');
  if (version !== TOKEN_VERSION || !payload || !signature) return { ok: false, reason: 'malformed' };
  if (!sameSignature(sign(secret, payload), signature)) return { ok: false, reason: 'forged' };
  let claims: CaptchaClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as CaptchaClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const now = expected.now ?? Date.now();
  if (claims.questionId !== expected.questionId) return { ok: false, reason: 'wrong-question' };
  if (now > claims.expiresAt) return { ok: false, reason: 'expired' };
  if (now - claims.issuedAt < expected.minAgeMs) return { ok: false, reason: 'too-fast' };
  if (expected.answerRequired === false) return { ok: true, claims };
  if (answer === undefined || parseAnswer(answer) !== solve(claims.challenge)) {
    return { ok: false, reason: 'wrong-answer' };
  }
  return { ok: true, claims };
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`captcha:${payload}`).digest('base64url');
}

function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
