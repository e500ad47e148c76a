/**
 * Rendered pages and page parts, kept in this process until something changes them.
 * Entries are grouped by question; a change to a question (a new, approved, edited or
 * removed comment, here or on another process) drops its group. A short time-to-live
 * keeps relative times ("3 minutes ago") honest for readers without JavaScript.
 */
export class PageCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; group: number; expires: number }>();
  /** Bumped on every invalidation, so a load that raced a change is not kept. */
  private readonly versions = new Map<number, number>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  get(group: number, key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
    const id = `${group}:${key}`;
    const hit = this.entries.get(id);
    if (hit && hit.expires > now) {
      // Map order is insertion order: re-inserting marks it recently used.
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit.value;
    }
    const version = this.versions.get(group) ?? 0;
    const value = load();
    // Deleted first, so that a reloaded (expired) entry counts as the newest.
    this.entries.delete(id);
    this.entries.set(id, { value, group, expires: now + this.ttlMs });
    // Room is made only once the load has succeeded: a page that fails to load (one past
    // the end, ?page=999999) must never cost a kept one.
    value.then(
      () => {
        if ((this.versions.get(group) ?? 0) !== version) this.drop(id, value);
        else this.makeRoom();
      },
      () => this.drop(id, value),
    );
    return value;
  }

  invalidate(group: number): void {
    this.versions.set(group, (this.versions.get(group) ?? 0) + 1);
    for (const [id, entry] of this.entries) if (entry.group === group) this.entries.delete(id);
  }

  clear(): void {
    for (const group of new Set([...this.entries.values()].map((entry) => entry.group))) this.invalidate(group);
  }

  private makeRoom(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private drop(id: string, value: Promise<T>): void {
    if (this.entries.get(id)?.value === value) this.entries.delete(id);
  }
}
