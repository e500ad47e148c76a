/** `{{#if (eq kind "added")}}`: whether two values are the same. */
export function eq(a: unknown, b: unknown): boolean {
  return a === b;
}
