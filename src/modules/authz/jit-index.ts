/**
 * Eligible (just-in-time) links in the decision snapshot (issue 17): which delegations are
 * eligible — they grant nothing by themselves — and, for each, the partner members whose
 * activation is open and until when. decide() reads it with no I/O; the snapshot loader fills it
 * from delegation_jit_settings and delegation_activations through the change feed (entity
 * `delegation_jit`, id = the delegation's). The window ends by itself: decide() compares with now.
 */
export class JitIndex {
  /** delegation id → user id → activation end (epoch ms); present = the delegation is eligible */
  readonly #eligible = new Map<string, Map<string, number>>();

  get size(): number {
    return this.#eligible.size;
  }

  isEligible(delegationId: string): boolean {
    return this.#eligible.size !== 0 && this.#eligible.has(delegationId);
  }

  /** An eligible delegation this user has not activated for `now` (null user: nobody has). */
  gated(delegationId: string, userId: string | null, now: number): boolean {
    if (this.#eligible.size === 0) return false;
    const m = this.#eligible.get(delegationId);
    if (m === undefined) return false;
    if (userId === null) return true;
    const until = m.get(userId);
    return until === undefined || now >= until;
  }

  /** When `userId`'s activation of the delegation ends (epoch ms), or null. */
  activeUntil(delegationId: string, userId: string): number | null {
    return this.#eligible.get(delegationId)?.get(userId) ?? null;
  }

  /** Replace what is known of one delegation: not eligible, or eligible with these open activations. */
  put(delegationId: string, eligible: boolean, activations: readonly { userId: string; endsAt: string }[]): void {
    if (!eligible) {
      this.#eligible.delete(delegationId);
      return;
    }
    const m = new Map<string, number>();
    for (const a of activations) {
      const t = Date.parse(a.endsAt);
      if (Number.isFinite(t) && t > (m.get(a.userId) ?? 0)) m.set(a.userId, t);
    }
    this.#eligible.set(delegationId, m);
  }
}
