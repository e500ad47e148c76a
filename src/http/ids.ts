/** The largest id a PostgreSQL `integer` (`serial`) column holds. */
export const MAX_ID = 2_147_483_647;

/**
 * Whether text typed into a URL or a form names a row: a whole number from 1 within the
 * id columns' range. Anything larger would reach the database as an error (a 500), not
 * as "no such row".
 */
export function isId(text: unknown): text is string {
  return typeof text === 'string' && /^[1-9]\d{0,9}$/.test(text) && Number(text) <= MAX_ID;
}

/** The id the text names, or undefined when it names none (see isId). */
export function parseId(text: unknown): number | undefined {
  return isId(text) ? Number(text) : undefined;
}
