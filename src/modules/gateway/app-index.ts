/**
 * Which partner apps (OAuth clients) are live, in memory, for the gateway's per-request check
 * "app active". An app is read once, when its first token is seen on this instance, and re-read
 * whenever the change feed says it changed (`app` events: updated, secret rotated, deleted) —
 * on every instance within the feed's delivery time. Deleting an app refuses its tokens on the
 * next request, including client-credentials tokens that name no delegation.
 */
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { VerifiedToken } from './access-token.ts';
import type { LiveTokenState } from './gateway.service.ts';

/** The app's status and partner, or undefined when there is no such app. */
export type AppLookup = (clientId: string) => Promise<{ status: string; partnerId: string } | undefined>;

interface Entry {
  active: boolean;
  partnerId: string | null;
}

export class AppStatusIndex implements LiveTokenState {
  readonly #lookup: AppLookup;
  readonly #apps = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<Entry>>();
  readonly #unsubscribe: () => void;

  constructor(lookup: AppLookup, feed: ChangeFeed) {
    this.#lookup = lookup;
    this.#unsubscribe = feed.subscribe(async (events) => {
      for (const e of events) if (e.entity === 'app' && this.#apps.has(e.entityId)) this.#apps.set(e.entityId, await this.#read(e.entityId));
    });
  }

  stop(): void {
    this.#unsubscribe();
  }

  async #read(clientId: string): Promise<Entry> {
    const r = await this.#lookup(clientId);
    return { active: r?.status === 'active', partnerId: r?.partnerId ?? null };
  }

  #load(clientId: string): Promise<Entry> {
    let p = this.#loading.get(clientId);
    if (!p) {
      p = this.#read(clientId).then(
        (e) => {
          this.#apps.set(clientId, e);
          this.#loading.delete(clientId);
          return e;
        },
        (err: unknown) => {
          this.#loading.delete(clientId);
          throw err;
        },
      );
      this.#loading.set(clientId, p);
    }
    return p;
  }

  #verdict(e: Entry, claims: VerifiedToken['claims']): string | null {
    if (!e.active) return 'The app this token was issued to no longer exists.';
    if (claims.partner_id && e.partnerId !== claims.partner_id) return 'The token names another partner than its app.';
    return null;
  }

  check(claims: VerifiedToken['claims']): string | null | Promise<string | null> {
    const e = this.#apps.get(claims.client_id);
    if (e !== undefined) return this.#verdict(e, claims);
    return this.#load(claims.client_id).then((x) => this.#verdict(x, claims));
  }
}
