/**
 * A background pass that runs on a timer and when woken, never two at once on one instance: a wake
 * while a pass runs asks for one more pass right after it (what committed meanwhile is not left
 * for the next timer). The work itself (claiming rows with a lease, so instances do not collide)
 * is the caller's.
 */
export class WakeableLoop {
  readonly #pass: () => Promise<number>;
  readonly #onError: (err: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;
  #again = false;

  /** `pass` returns how much it did; `wrap` runs each run of passes in a context (e.g. asSystem). */
  constructor(pass: () => Promise<number>, onError: (err: unknown) => void, wrap: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn()) {
    this.#pass = () =>
      wrap(async () => {
        let total = 0;
        do {
          this.#again = false;
          total += await pass();
        } while (this.#again);
        return total;
      });
    this.#onError = onError;
  }

  start(intervalMs: number): void {
    if (this.#timer || intervalMs <= 0) return;
    this.#timer = setInterval(() => this.wake(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** Run a pass now, or once more right after the running one. */
  wake(): void {
    this.run().catch(this.#onError);
  }

  /** Run passes until one finds nothing more was asked for; returns their total. */
  run(): Promise<number> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#pass().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }
}
