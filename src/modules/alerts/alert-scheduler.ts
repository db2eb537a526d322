/**
 * Evaluates alerts on a schedule (every minute by default). Every instance may run it: an alert is
 * inserted once per condition (unique key) and pushed only by the insert that won, and resolving
 * is idempotent. "Now" is the project clock's, so tests drive it with the manual clock.
 */
import { asSystem } from '../../platform/db/db-context.ts';
import { systemContext } from '../../platform/http/request-context.ts';
import type { AlertsService } from './alerts.service.ts';

export class AlertScheduler {
  readonly #alerts: AlertsService;
  readonly #onError: ((err: unknown) => void) | undefined;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;

  constructor(alerts: AlertsService, onError?: (err: unknown) => void) {
    this.#alerts = alerts;
    this.#onError = onError;
  }

  start(intervalMs = 60_000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.runOnce(), intervalMs);
    this.#timer.unref();
  }

  /** One evaluation; while one still runs on this instance, no other starts: the call waits for that one instead. */
  async runOnce(): Promise<void> {
    if (this.#running) {
      await this.#running;
      return;
    }
    this.#running = asSystem(() => this.#alerts.evaluate(systemContext('alert-evaluation'))).catch((e) => this.#onError?.(e));
    try {
      await this.#running;
    } finally {
      this.#running = null;
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
