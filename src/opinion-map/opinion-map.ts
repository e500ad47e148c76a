import { kmeans } from 'ml-kmeans';
import { Matrix } from 'ml-matrix';
import { PCA } from 'ml-pca';

/**
 * The opinion map of one question, as Pol.is draws it (its `math/` folder): votes as a
 * voter × comment matrix (agree +1, disagree −1, pass or unvoted 0), PCA to two
 * dimensions, k-means with k from 2 to 5 chosen by silhouette, then which comments each
 * group agrees with far more than the rest (representative), which every group agrees
 * with (consensus) and which split the groups (divisive). Pure: votes in, map out.
 */

export type VoteValue = 1 | -1 | 0;

/** One reader's vote on one comment; `voter` is an opaque key that never leaves this module. */
export interface MapVote {
  voter: string;
  commentId: number;
  vote: VoteValue;
}

export interface MapRules {
  /** Below this many voters there is no map (the groups would be noise). */
  minVoters: number;
  /** Below this many comments with enough votes there is no map. */
  minComments: number;
  /** A comment needs this many voters to be placed on the map at all. */
  minVotesPerComment: number;
}

/** A group of the previous map, to keep ids (and so colours) where the groups are the same. */
export interface PreviousGroup {
  id: number;
  voters: readonly string[];
}

export interface MapGroup {
  /** Stable between recomputations when the group keeps most of its voters. */
  id: number;
  size: number;
  /** Comment ids, most representative first. */
  representative: number[];
  /** Where the group sits on the map (mean of its members). */
  centre: [number, number];
  /** The group's voters: kept in memory for the next recomputation's matching, never shown. */
  voters: string[];
}

export interface OpinionMap {
  /** Everyone who voted on a counted comment. */
  participants: number;
  /** The comments the map was made from. */
  commentIds: number[];
  groups: MapGroup[];
  consensus: number[];
  divisive: number[];
  /** Each voter's place and group, in no particular order and without who they are. */
  points: { x: number; y: number; group: number }[];
  /** Share of the votes' variance the two axes show (0–1). */
  explained: number;
  /** Enough votes for a map (otherwise groups, consensus and divisive are empty). */
  ready: boolean;
}

const MIN_K = 2;
const MAX_K = 5;
/** A fixed seed: the same votes always give the same groups. */
const SEED = 13;
/** At most this many comments listed per group and for consensus and division. */
const LISTED = 5;
/**
 * How much more likely a group must be to agree than the rest (with one imaginary
 * agree and disagree each side, as Pol.is smooths small counts) to call a comment
 * representative of it.
 */
const REPRESENTATIVE_RATIO = 1.5;
/** Groups smaller than this (readers, or share of readers) are not groups: see bestClustering. */
const MIN_GROUP = 3;
const MIN_GROUP_SHARE = 0.05;
/** How much better a larger k's silhouette must be to be chosen. */
const K_MARGIN = 0.02;

export function emptyMap(participants = 0): OpinionMap {
  return {
    participants,
    commentIds: [],
    groups: [],
    consensus: [],
    divisive: [],
    points: [],
    explained: 0,
    ready: false,
  };
}

export function computeOpinionMap(
  votes: readonly MapVote[],
  rules: MapRules,
  previous: readonly PreviousGroup[] = [],
): OpinionMap {
  const votersByComment = new Map<number, number>();
  for (const { commentId } of votes) votersByComment.set(commentId, (votersByComment.get(commentId) ?? 0) + 1);
  const commentIds = [...votersByComment]
    .filter(([, count]) => count >= rules.minVotesPerComment)
    .map(([id]) => id)
    .sort((a, b) => a - b);
  const column = new Map(commentIds.map((id, index) => [id, index]));
  const counted = votes.filter((vote) => column.has(vote.commentId));
  const voters = [...new Set(counted.map((vote) => vote.voter))].sort();
  const participants = voters.length;
  if (participants < Math.max(rules.minVoters, MIN_K + 1) || commentIds.length < Math.max(rules.minComments, 2)) {
    return emptyMap(participants);
  }

  const row = new Map(voters.map((voter, index) => [voter, index]));
  // Each voter's row of the matrix, sparse: the comments they agreed or disagreed with.
  const rows = voters.map(() => ({ columns: [] as number[], values: [] as number[] }));
  for (const vote of counted) {
    if (vote.vote === 0) continue;
    const entry = rows[row.get(vote.voter) as number] as SparseRow;
    entry.columns.push(column.get(vote.commentId) as number);
    entry.values.push(vote.vote);
  }
  // In column order, so that sums are added in one order whatever order the votes came in.
  for (const entry of rows) {
    const order = entry.columns
      .map((_, index) => index)
      .sort((a, b) => (entry.columns[a] as number) - (entry.columns[b] as number));
    entry.columns = order.map((index) => entry.columns[index] as number);
    entry.values = order.map((index) => entry.values[index] as number);
  }

  const placed = project(rows, commentIds.length);
  const { labels, k } = bestClustering(placed.points);
  const groupsOf = labelGroups(labels, k, voters, previous);

  const stats = agreementByGroup(counted, row, column, labels, k);
  const groups: MapGroup[] = groupsOf.map(({ id, label, members }) => ({
    id,
    size: members.length,
    voters: members.map((index) => voters[index] as string),
    centre: centreOf(members.map((index) => placed.points[index] as [number, number])),
    representative: representativeComments(stats, label, commentIds),
  }));
  const idOfLabel = new Map(groupsOf.map(({ id, label }) => [label, id]));
  return {
    participants,
    commentIds,
    groups: groups.sort((a, b) => a.id - b.id),
    consensus: consensusComments(stats, commentIds),
    divisive: divisiveComments(stats, commentIds),
    points: placed.points.map(([x, y], index) => ({ x, y, group: idOfLabel.get(labels[index] as number) as number })),
    explained: placed.explained,
    ready: true,
  };
}

interface SparseRow {
  columns: number[];
  values: number[];
}

/**
 * PCA to two dimensions, signs fixed so that an unchanged vote pattern is drawn the same
 * way round. ml-pca finds the components from the comment × comment covariance (an eigen
 * decomposition of 300 × 300 at 2,000 voters × 300 comments, far cheaper than an SVD of
 * the whole matrix). The covariance and the projection are sums over each voter's
 * non-zero votes, made here in typed arrays: through ml-matrix's element accessors the
 * two dense products took seconds at that size.
 */
function project(rows: readonly SparseRow[], width: number): { points: [number, number][]; explained: number } {
  const n = rows.length;
  const sums = new Float64Array(width);
  const products = new Float64Array(width * width);
  for (const { columns, values } of rows) {
    for (let i = 0; i < columns.length; i += 1) {
      const a = columns[i] as number;
      const va = values[i] as number;
      sums[a] = (sums[a] as number) + va;
      // Upper triangle only; mirrored below.
      for (let j = 0; j < columns.length; j += 1) {
        const b = columns[j] as number;
        if (b >= a) products[a * width + b] = (products[a * width + b] as number) + va * (values[j] as number);
      }
    }
  }
  const means = Array.from(sums, (sum) => sum / n);
  const covariance = new Matrix(width, width);
  for (let a = 0; a < width; a += 1) {
    for (let b = a; b < width; b += 1) {
      const value = ((products[a * width + b] as number) - n * (means[a] as number) * (means[b] as number)) / (n - 1);
      covariance.set(a, b, value);
      covariance.set(b, a, value);
    }
  }
  const pca = new PCA(covariance, { isCovarianceMatrix: true });
  const loadings = pca.getLoadings();
  const components = Math.min(2, loadings.rows);
  const axes = [0, 1].map((component) => {
    if (component >= components) return null;
    const loading = loadings.getRow(component);
    let largest = 0;
    for (const value of loading) if (Math.abs(value) > Math.abs(largest)) largest = value;
    const sign = largest < 0 ? -1 : 1;
    const axis = loading.map((value) => sign * value);
    // Centring: every voter's place is offset by the mean voter's.
    const offset = axis.reduce((total, value, index) => total + value * (means[index] as number), 0);
    return { axis, offset };
  });
  const place = (row: SparseRow, component: number) => {
    const entry = axes[component];
    if (!entry) return 0;
    let total = -entry.offset;
    for (let i = 0; i < row.columns.length; i += 1) {
      total += (row.values[i] as number) * (entry.axis[row.columns[i] as number] as number);
    }
    return total;
  };
  const points = rows.map((row): [number, number] => [place(row, 0), place(row, 1)]);
  const variance = pca.getExplainedVariance();
  const explained = (variance[0] ?? 0) + (variance[1] ?? 0);
  return { points, explained: Number.isFinite(explained) ? explained : 0 };
}

/**
 * k-means for k = 2…5 (fewer when there are few voters), the k with the best silhouette.
 * A split that leaves a group smaller than MIN_GROUP is not an opinion group but a
 * reader or two who voted oddly (silhouette alone rewards cutting them off), and a
 * larger k must fit better by a margin, so that noise does not add groups.
 */
function bestClustering(points: [number, number][]): { labels: number[]; k: number } {
  const distinct = new Set(points.map(([x, y]) => `${x.toFixed(9)},${y.toFixed(9)}`)).size;
  const smallest = Math.max(MIN_GROUP, Math.ceil(points.length * MIN_GROUP_SHARE));
  let best: { labels: number[]; k: number; score: number } | undefined;
  for (let k = MIN_K; k <= Math.min(MAX_K, distinct, points.length - 1); k += 1) {
    const { clusters } = kmeans(points, k, { seed: SEED, initialization: 'kmeans++', maxIterations: 100 });
    const sizes = new Array<number>(k).fill(0);
    for (const label of clusters) sizes[label] = (sizes[label] ?? 0) + 1;
    if (best && sizes.some((size) => size < smallest)) continue;
    const score = silhouette(points, clusters, k);
    if (!best || score > best.score + K_MARGIN) best = { labels: clusters, k, score };
  }
  // Everyone voted alike: one group.
  return best ?? { labels: points.map(() => 0), k: 1 };
}

/** Mean silhouette: how much closer each voter is to its own group than to the nearest other. */
export function silhouette(points: readonly (readonly number[])[], labels: readonly number[], k: number): number {
  const n = points.length;
  if (n < 2) return 0;
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label] = (sizes[label] ?? 0) + 1;
  let total = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i += 1) {
    sums.fill(0);
    const p = points[i] as readonly number[];
    for (let j = 0; j < n; j += 1) {
      if (i === j) continue;
      const q = points[j] as readonly number[];
      let squared = 0;
      for (let d = 0; d < p.length; d += 1) squared += ((p[d] as number) - (q[d] as number)) ** 2;
      const label = labels[j] as number;
      sums[label] = (sums[label] as number) + Math.sqrt(squared);
    }
    const own = labels[i] as number;
    const ownSize = (sizes[own] as number) - 1;
    if (ownSize === 0) continue; // a group of one scores 0
    const a = (sums[own] as number) / ownSize;
    let b = Number.POSITIVE_INFINITY;
    for (let label = 0; label < k; label += 1) {
      if (label !== own && (sizes[label] as number) > 0)
        b = Math.min(b, (sums[label] as number) / (sizes[label] as number));
    }
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b) || 0;
  }
  return total / n;
}

/**
 * Gives each cluster an id: the previous group it shares most voters with (largest
 * overlaps first, each id once), else the smallest id not taken, so a group that stays
 * the same keeps its id and colour.
 */
function labelGroups(
  labels: readonly number[],
  k: number,
  voters: readonly string[],
  previous: readonly PreviousGroup[],
) {
  const members = Array.from({ length: k }, () => [] as number[]);
  labels.forEach((label, index) => {
    (members[label] as number[]).push(index);
  });
  const clusters = members
    .map((list, label) => ({ label, members: list }))
    .filter((cluster) => cluster.members.length > 0)
    // Largest first, then by first member: the same clustering always gets the same ids.
    .sort((a, b) => b.members.length - a.members.length || (a.members[0] as number) - (b.members[0] as number));
  const previousOf = new Map<string, number>();
  for (const group of previous) for (const voter of group.voters) previousOf.set(voter, group.id);
  const overlaps: { label: number; id: number; shared: number }[] = [];
  for (const cluster of clusters) {
    const shared = new Map<number, number>();
    for (const index of cluster.members) {
      const id = previousOf.get(voters[index] as string);
      if (id !== undefined) shared.set(id, (shared.get(id) ?? 0) + 1);
    }
    for (const [id, count] of shared) overlaps.push({ label: cluster.label, id, shared: count });
  }
  overlaps.sort((a, b) => b.shared - a.shared || a.id - b.id || a.label - b.label);
  const idOf = new Map<number, number>();
  const taken = new Set<number>();
  for (const { label, id, shared } of overlaps) {
    const size = clusters.find((cluster) => cluster.label === label)?.members.length ?? 0;
    // Most of the new group came from the old one: the same group, grown or shrunk.
    if (idOf.has(label) || taken.has(id) || shared * 2 <= size) continue;
    idOf.set(label, id);
    taken.add(id);
  }
  let next = 1;
  return clusters.map((cluster) => {
    let id = idOf.get(cluster.label);
    if (id === undefined) {
      while (taken.has(next)) next += 1;
      id = next;
      taken.add(id);
    }
    return { id, label: cluster.label, members: cluster.members };
  });
}

/** Per group and comment: how many agreed, disagreed and voted at all. */
interface GroupStats {
  agree: number[][];
  disagree: number[][];
  voted: number[][];
  k: number;
}

/** Passes count as votes here (the reader saw it and did not agree), unlike in the matrix. */
function agreementByGroup(
  votes: readonly MapVote[],
  rowOf: ReadonlyMap<string, number>,
  columnOf: ReadonlyMap<number, number>,
  labels: readonly number[],
  k: number,
): GroupStats {
  const make = () => Array.from({ length: k }, () => new Array<number>(columnOf.size).fill(0));
  const stats = { agree: make(), disagree: make(), voted: make(), k };
  for (const vote of votes) {
    const group = labels[rowOf.get(vote.voter) as number] as number;
    const col = columnOf.get(vote.commentId) as number;
    if (vote.vote > 0) increment(stats.agree[group] as number[], col);
    else if (vote.vote < 0) increment(stats.disagree[group] as number[], col);
    increment(stats.voted[group] as number[], col);
  }
  return stats;
}

const increment = (counts: number[], index: number) => {
  counts[index] = (counts[index] ?? 0) + 1;
};

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/**
 * Comments a group agrees with far more than everyone else does: Pol.is's "repness",
 * the ratio of the smoothed agree rates inside and outside, kept when most of the
 * group that voted agreed; ranked by ratio times the group's own rate.
 */
function representativeComments(stats: GroupStats, group: number, commentIds: readonly number[]): number[] {
  const scored: { id: number; score: number }[] = [];
  commentIds.forEach((id, col) => {
    const agreeIn = (stats.agree[group] as number[])[col] as number;
    const votedIn = (stats.voted[group] as number[])[col] as number;
    let agreeOut = 0;
    let votedOut = 0;
    for (let other = 0; other < stats.k; other += 1) {
      if (other === group) continue;
      agreeOut += (stats.agree[other] as number[])[col] as number;
      votedOut += (stats.voted[other] as number[])[col] as number;
    }
    const inside = (agreeIn + 1) / (votedIn + 2);
    const outside = (agreeOut + 1) / (votedOut + 2);
    const ratio = inside / outside;
    if (share(agreeIn, votedIn) > 0.5 && ratio >= REPRESENTATIVE_RATIO) scored.push({ id, score: ratio * inside });
  });
  return scored
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, LISTED)
    .map((entry) => entry.id);
}

/** Agreed by a majority of every group (of those in it who voted on it). */
function consensusComments(stats: GroupStats, commentIds: readonly number[]): number[] {
  const scored: { id: number; score: number }[] = [];
  commentIds.forEach((id, col) => {
    let lowest = 1;
    for (let group = 0; group < stats.k; group += 1) {
      const voted = (stats.voted[group] as number[])[col] as number;
      if (voted === 0) continue;
      lowest = Math.min(lowest, share((stats.agree[group] as number[])[col] as number, voted));
    }
    if (lowest > 0.5) scored.push({ id, score: lowest });
  });
  return scored
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, LISTED)
    .map((entry) => entry.id);
}

/** A majority of one group agrees and a majority of another disagrees; the widest gaps first. */
function divisiveComments(stats: GroupStats, commentIds: readonly number[]): number[] {
  const scored: { id: number; score: number }[] = [];
  commentIds.forEach((id, col) => {
    let mostAgree = 0;
    let mostDisagree = 0;
    for (let group = 0; group < stats.k; group += 1) {
      const voted = (stats.voted[group] as number[])[col] as number;
      mostAgree = Math.max(mostAgree, share((stats.agree[group] as number[])[col] as number, voted));
      mostDisagree = Math.max(mostDisagree, share((stats.disagree[group] as number[])[col] as number, voted));
    }
    if (mostAgree > 0.5 && mostDisagree > 0.5) scored.push({ id, score: mostAgree + mostDisagree });
  });
  return scored
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, LISTED)
    .map((entry) => entry.id);
}

function centreOf(points: readonly [number, number][]): [number, number] {
  if (points.length === 0) return [0, 0];
  let x = 0;
  let y = 0;
  for (const [px, py] of points) {
    x += px;
    y += py;
  }
  return [x / points.length, y / points.length];
}
