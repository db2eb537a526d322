/**
 * Eligible (just-in-time) access in the decision snapshot. A link may have
 *  - its own role *standing* (always on while the link is) or *eligible* (the older switch:
 *    the whole link grants nothing until activated), and
 *  - further *eligible roles*: granted on top of the standing role only while the acting partner
 *    member's activation is open.
 * For each such link the index keeps the partner members whose activation is open and until when.
 * decide() reads it with no I/O; the snapshot loader fills it from delegation_jit_settings and
 * delegation_activations through the change feed (entity `delegation_jit`, id = the delegation's).
 * The window ends by itself: decide() compares with now.
 */

/** Not a just-in-time link: its role counts as it always did. */
export const JIT_NONE = 0;
/** The acting member's activation is open: the standing role and every eligible role count. */
export const JIT_ACTIVE = 1;
/** Not activated, but the link's own role is standing: it counts, the eligible roles do not. */
export const JIT_STANDING = 2;
/** Not activated and nothing is standing: the link grants nothing (activation_required). */
export const JIT_GATED = 3;
export type JitState = typeof JIT_NONE | typeof JIT_ACTIVE | typeof JIT_STANDING | typeof JIT_GATED;

interface JitEntry {
  /** the link's own role is standing (false: the older "the whole link is eligible") */
  standing: boolean;
  /** role ids granted only while activated (besides the link's role when it is not standing) */
  roles: readonly string[];
  /** user id → activation end (epoch ms) */
  users: Map<string, number>;
}

const NO_ROLES: readonly string[] = [];

export class JitIndex {
  readonly #links = new Map<string, JitEntry>();

  get size(): number {
    return this.#links.size;
  }

  isEligible(delegationId: string): boolean {
    return this.#links.size !== 0 && this.#links.has(delegationId);
  }

  /**
   * What the link gives `userId` at `now`. `userId` null: nobody's activation (the partner as a
   * whole); `assumeActive`: count eligible roles as activated (a partner's reach for its database
   * context, where each member's own decision gates the request).
   */
  state(delegationId: string, userId: string | null, now: number, assumeActive = false): JitState {
    if (this.#links.size === 0) return JIT_NONE;
    const e = this.#links.get(delegationId);
    if (e === undefined) return JIT_NONE;
    if (assumeActive) return JIT_ACTIVE;
    if (userId !== null) {
      const until = e.users.get(userId);
      if (until !== undefined && now < until) return JIT_ACTIVE;
    }
    return e.standing ? JIT_STANDING : JIT_GATED;
  }

  /** An eligible link this user has not activated for `now` and nothing of which is standing. */
  gated(delegationId: string, userId: string | null, now: number): boolean {
    return this.state(delegationId, userId, now) === JIT_GATED;
  }

  /** The eligible roles of a link beyond its own role (empty when none). */
  rolesOf(delegationId: string): readonly string[] {
    return this.#links.get(delegationId)?.roles ?? NO_ROLES;
  }

  /** When `userId`'s activation of the delegation ends (epoch ms), or null. */
  activeUntil(delegationId: string, userId: string): number | null {
    return this.#links.get(delegationId)?.users.get(userId) ?? null;
  }

  /**
   * Replace what is known of one delegation. `eligible`: the link's own role is eligible;
   * `roles`: the eligible roles on top of it. Neither: a plain (standing) link, forgotten here.
   */
  put(delegationId: string, eligible: boolean, activations: readonly { userId: string; endsAt: string }[], roles: readonly string[] = NO_ROLES): void {
    if (!eligible && roles.length === 0) {
      this.#links.delete(delegationId);
      return;
    }
    const users = new Map<string, number>();
    for (const a of activations) {
      const t = Date.parse(a.endsAt);
      if (Number.isFinite(t) && t > (users.get(a.userId) ?? 0)) users.set(a.userId, t);
    }
    this.#links.set(delegationId, { standing: !eligible, roles: roles.length === 0 ? NO_ROLES : [...roles], users });
  }
}

/** The eligible roles stored on a settings row (JSON), tolerating a malformed value as none. */
export function parseRoleList(json: string | null | undefined): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
