/**
 * What `npm run bench` writes: the console table, the Markdown section of
 * docs/PERFORMANCE.md and the JSON in docs/bench/latest.json. Pure: no I/O here.
 */
export type DatabaseKind = 'embedded' | 'server';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  /** e.g. "PostgreSQL 15.20 (server)" or "PostgreSQL 17.5 (embedded, PGlite 0.4.6)". */
  database: string;
}

export interface CaseResult {
  /** (a)–(e) in issue 6, with what it measures. */
  name: string;
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Bytes per response, headers included, as sent (no compression asked). */
  averageBytes: number;
  /** requestsPerSecond over the static file's at the same connections: the share of the limit reached. */
  ratioToStatic: number | null;
  statuses: Record<string, number>;
  /** Responses with another status than the case expects: a broken bench, not a slow forum. */
  unexpected: number;
  /** Requests without an answer: connection errors and timeouts (10 s), i.e. more load than the server takes. */
  errors: number;
  /** Comments on the page, for thread pages. */
  commentsShown?: number;
}

export interface Sizes {
  thread100: { raw: number; gzip: number };
  css: { raw: number; gzip: number };
}

export interface BenchRun {
  date: string;
  database: DatabaseKind;
  machine: Machine;
  secondsPerCase: number;
  connections: number[];
  sizes: Sizes;
  cases: CaseResult[];
}

const MARKER = (kind: DatabaseKind, end: 'start' | 'end') => `<!-- bench:${kind}:${end} -->`;

const number = (value: number, digits = 0) =>
  value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const kilobytes = (bytes: number) => `${number(bytes / 1000, 1)} kB`;

function rows(run: BenchRun): string[][] {
  return run.cases.map((c) => [
    c.name,
    String(c.connections),
    number(c.requestsPerSecond),
    number(c.latencyP50Ms, 1),
    number(c.latencyP99Ms, 1),
    c.commentsShown === undefined ? '' : String(c.commentsShown),
    kilobytes(c.averageBytes),
    c.ratioToStatic === null ? '' : number(c.ratioToStatic, 3),
    [
      c.unexpected > 0 ? `${c.unexpected} unexpected:` : '',
      statusList(c.statuses),
      c.errors > 0 ? `${c.errors} errors/timeouts` : '',
    ]
      .filter(Boolean)
      .join(' '),
  ]);
}

const HEADER = ['Case', 'Conns', 'req/s', 'p50 ms', 'p99 ms', 'Comments shown', 'Avg response', '× static', 'Statuses'];

function statusList(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
}

/** Columns padded for a terminal. */
export function consoleTable(run: BenchRun): string {
  const table = [HEADER, ...rows(run)];
  const widths = HEADER.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')).join('\n');
}

export function markdownSection(run: BenchRun): string {
  const m = run.machine;
  const title = run.database === 'embedded' ? 'Embedded database (PGlite)' : 'PostgreSQL server (DATABASE_URL)';
  return [
    `### ${title}, ${run.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Machine: ${m.cpus} CPUs (${m.cpuModel}), ${number(m.memoryGiB, 1)} GiB memory, ${m.os}; Node ${m.node}; ${m.database}.`,
    `- Each case ${run.secondsPerCase} s at ${run.connections.join(' and ')} connections after a 1 s warm-up; autocannon and the server share the machine.`,
    `- Thread page with 100 comments: ${kilobytes(run.sizes.thread100.raw)} raw, ${kilobytes(run.sizes.thread100.gzip)} gzipped. site.css: ${kilobytes(run.sizes.css.raw)} raw, ${kilobytes(run.sizes.css.gzip)} gzipped (as served, with and without \`Accept-Encoding: gzip\`).`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, i) => (i === 0 || i === HEADER.length - 1 ? '---' : '---:')).join(' | ')} |`,
    ...rows(run).map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/**
 * docs/PERFORMANCE.md with this run's section replaced between its markers; the rest
 * of the file, the written analysis included, is kept as it is.
 */
export function withLatestRun(document: string, run: BenchRun): string {
  const start = MARKER(run.database, 'start');
  const end = MARKER(run.database, 'end');
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from === -1 || to < from) throw new Error(`docs/PERFORMANCE.md has no ${start} … ${end} markers`);
  return `${document.slice(0, from + start.length)}\n${markdownSection(run)}\n${document.slice(to)}`;
}
