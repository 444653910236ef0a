/** A binary min-heap with a caller-supplied order; the generator's two re-ordering buffers use it. */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const xs = this.items;
    xs.push(item);
    let i = xs.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(xs[i], xs[parent])) break;
      [xs[i], xs[parent]] = [xs[parent], xs[i]];
      i = parent;
    }
  }

  pop(): T | undefined {
    const xs = this.items;
    if (xs.length === 0) return undefined;
    const top = xs[0];
    const last = xs.pop()!;
    if (xs.length > 0) {
      xs[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < xs.length && this.before(xs[l], xs[m])) m = l;
        if (r < xs.length && this.before(xs[r], xs[m])) m = r;
        if (m === i) break;
        [xs[i], xs[m]] = [xs[m], xs[i]];
        i = m;
      }
    }
    return top;
  }
}
