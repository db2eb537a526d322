/**
 * Entries numbered densely by their canonical id (`tnt_` + 26 characters), found through an
 * open-addressing table of packed ids in one typed array: what the snapshot's build uses instead of
 * a string-keyed Map of a million tenants. A Map lookup at that size waits on memory four to six
 * times one after the other (bucket, chain entries, the key strings to compare, the value); here a
 * lookup is one table entry holding the packed id itself (24 bytes: no string to fetch to compare),
 * then the entry's number in a dense array. And lookups are made for a group of rows in stages —
 * pack every id, then read every table entry, then every entry — so the reads of one stage do not
 * depend on each other and the processor overlaps their cache misses.
 *
 * Entries are only ever added (the snapshot keeps a tenant's object for good: an id that is gone
 * stays as an inactive placeholder). An id that is not canonical (tests name theirs `tnt_acme`) is
 * not indexed: the caller falls back to its Map.
 */
import { hashWords, packIdAs } from './snapshot-store.ts';

/** ints an entry: the five packed words, then the entry's number + 1 (0 = empty) */
const S = 6;
const N = 5;

export class PackedIndex<T> {
  readonly #prefix: string;
  #keys = new Int32Array(S * 1024);
  #mask = 1023;
  /** entry number → value, in the order they were added */
  readonly #values: T[] = [];
  /** staged lookups (stage → touch → found): the packed words of each and its home in the table (-1: not canonical) */
  readonly #words: Int32Array;
  readonly #home: Int32Array;
  readonly #one = new Int32Array(N);

  constructor(prefix: string, group: number) {
    this.#prefix = prefix;
    this.#words = new Int32Array(N * group);
    this.#home = new Int32Array(group);
  }

  get size(): number {
    return this.#values.length;
  }

  /** Index a value under its id (a new id: the caller looked it up first). An id that is not canonical is not indexed. */
  add(id: string, value: T): void {
    if (!packIdAs(this.#prefix, id, this.#one, 0)) return;
    if ((this.#values.length + 1) * 2 > this.#mask + 1) this.#grow();
    this.#values.push(value);
    this.#place(this.#one, 0, this.#values.length);
  }

  /** The value for an id (undefined: not indexed). */
  get(id: string): T | undefined {
    this.stage(0, id);
    return this.found(0);
  }

  /** Stage the k-th lookup of a group: pack its id and compute its home in the table. */
  stage(k: number, id: string): void {
    const words = this.#words;
    this.#home[k] = packIdAs(this.#prefix, id, words, k * N) ? hashWords(words, k * N) & this.#mask : -1;
  }

  /** Read the table entries of staged lookups 0..n-1 (independent reads: their misses overlap); returns what it read, to keep the reads. */
  touch(n: number): number {
    const home = this.#home;
    const keys = this.#keys;
    let warm = 0;
    for (let k = 0; k < n; k++) {
      const h = home[k];
      if (h >= 0) warm += keys[h * S + N];
    }
    return warm;
  }

  /** The value of the k-th staged lookup (undefined: not indexed). */
  found(k: number): T | undefined {
    const i0 = this.#home[k];
    if (i0 < 0) return undefined;
    const keys = this.#keys;
    const words = this.#words;
    const o = k * N;
    const mask = this.#mask;
    for (let i = i0; ; i = (i + 1) & mask) {
      const e = i * S;
      const n = keys[e + N];
      if (n === 0) return undefined;
      if (keys[e] === words[o] && keys[e + 1] === words[o + 1] && keys[e + 2] === words[o + 2] && keys[e + 3] === words[o + 3] && keys[e + 4] === words[o + 4]) return this.#values[n - 1];
    }
  }

  #place(words: Int32Array, o: number, n: number): void {
    const keys = this.#keys;
    const mask = this.#mask;
    let i = hashWords(words, o) & mask;
    while (keys[i * S + N] !== 0) i = (i + 1) & mask;
    const e = i * S;
    for (let w = 0; w < N; w++) keys[e + w] = words[o + w];
    keys[e + N] = n;
  }

  /** Double the table (at most half full), placing every entry again. */
  #grow(): void {
    const old = this.#keys;
    this.#mask = this.#mask * 2 + 1;
    this.#keys = new Int32Array(S * (this.#mask + 1));
    for (let e = 0; e < old.length; e += S) if (old[e + N] !== 0) this.#place(old, e, old[e + N]);
  }
}
