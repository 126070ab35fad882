/**
 * A fixed-size pool of connections, opened lazily up to `size`; callers beyond that wait
 * in order.
 */

/** A first-in first-out pool of `T`, created by `open` up to `size` at once. */
export class Pool<T> {
  private readonly idle: T[] = [];
  private readonly waiters: { resolve: (item: T) => void; reject: (err: unknown) => void }[] = [];
  private readonly all = new Set<T>();
  private opening = 0;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly open: () => Promise<T>,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a positive integer, got ${size}`);
  }

  /** Every item opened so far (idle or lent). */
  get items(): ReadonlySet<T> {
    return this.all;
  }

  /** Take an idle item, open a new one if below `size`, or wait for one. */
  async take(): Promise<T> {
    if (this.closed) throw new Error('pool is closed');
    const item = this.idle.pop();
    if (item !== undefined) return item;
    if (this.all.size + this.opening < this.size) {
      this.opening++;
      try {
        const created = await this.open();
        this.all.add(created);
        return created;
      } finally {
        this.opening--;
      }
    }
    return new Promise<T>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Give an item back: to the first waiter, or to the idle list. */
  give(item: T): void {
    const w = this.waiters.shift();
    if (w) w.resolve(item);
    else this.idle.push(item);
  }

  /** Drop an item that broke; a waiter gets a fresh one. */
  discard(item: T): void {
    this.all.delete(item);
    const w = this.waiters.shift();
    if (w) this.take().then(w.resolve, w.reject);
  }

  /** Refuse further takes, fail waiters, and return every item for closing. */
  drain(): T[] {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new Error('pool is closed'));
    this.idle.length = 0;
    const items = [...this.all];
    this.all.clear();
    return items;
  }
}
