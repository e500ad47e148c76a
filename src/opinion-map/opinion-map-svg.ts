import type { OpinionMap } from './opinion-map.js';

/**
 * Each group's colour, by its id (ids are stable, so colours are): dark enough on white
 * and on paper, told apart by their letters as well for readers who cannot tell them apart.
 */
const COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7e22ce', '#be123c', '#0e7490', '#4d7c0f', '#9d174d'];

export const groupColour = (id: number) => COLOURS[(id - 1) % COLOURS.length] as string;
/** Groups are named A, B, C… by id. */
export const groupLetter = (id: number) => String.fromCharCode(64 + (((id - 1) % 26) + 1));

const SIZE = 400;
const MARGIN = 24;

/**
 * The map as inline SVG: a dot per voter (nobody named), a letter just above each group's
 * centre, the two axes. Numbers and our own letters only, so the string is safe to
 * embed as it is; drawn server-side, so it reads without JavaScript and prints.
 */
export function opinionMapSvg(map: OpinionMap, titleId: string): string {
  const xs = map.points.map((point) => point.x);
  const ys = map.points.map((point) => point.y);
  // One scale for both axes: distances on the map mean the same either way.
  const extent = Math.max(1e-9, ...xs.map(Math.abs), ...ys.map(Math.abs));
  const scale = (SIZE / 2 - MARGIN) / extent;
  const at = (value: number) => Math.round((SIZE / 2 + value * scale) * 10) / 10;
  const dots = map.points
    .map((point) => `<circle cx="${at(point.x)}" cy="${at(-point.y)}" r="3.5" fill="${groupColour(point.group)}"/>`)
    .join('');
  const labels = map.groups
    .map((group) => {
      const [x, y] = group.centre;
      return `<text x="${at(x)}" y="${at(-y) - 20}" fill="${groupColour(group.id)}">${groupLetter(group.id)}</text>`;
    })
    .join('');
  const middle = SIZE / 2;
  return (
    `<svg class="opinion-map__svg" viewBox="0 0 ${SIZE} ${SIZE}" role="img" aria-labelledby="${titleId}" xmlns="http://www.w3.org/2000/svg">` +
    `<rect x="0.5" y="0.5" width="${SIZE - 1}" height="${SIZE - 1}" fill="#fff" stroke="#999"/>` +
    `<path d="M${middle} ${MARGIN / 2}V${SIZE - MARGIN / 2}M${MARGIN / 2} ${middle}H${SIZE - MARGIN / 2}" stroke="#ccc" stroke-dasharray="4 4"/>` +
    `<g fill-opacity="0.75">${dots}</g>` +
    `<g font-family="sans-serif" font-size="28" font-weight="bold" text-anchor="middle" dominant-baseline="middle" stroke="#fff" stroke-width="4" paint-order="stroke">${labels}</g>` +
    '</svg>'
  );
}
