/** Time comes from here so tests (and pure decisions) can pin it. */
export interface Clock {
  now(): Date;
  /** the same instant in epoch milliseconds, without allocating a Date (per-request paths) */
  nowMs(): number;
}

export const systemClock: Clock = { now: () => new Date(), nowMs: () => Date.now() };

/** A clock tests can move. */
export class ManualClock implements Clock {
  #t: number;
  constructor(start: Date | string | number = Date.now()) {
    this.#t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#t);
  }
  nowMs(): number {
    return this.#t;
  }
  advance(ms: number): void {
    this.#t += ms;
  }
  set(t: Date | string | number): void {
    this.#t = new Date(t).getTime();
  }
}

export function iso(d: Date): string {
  return d.toISOString();
}
