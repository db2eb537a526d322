/**
 * What delegations share by identity (AuthzSnapshot, snapshot.ts, holds one reference per slot):
 * a policy per distinct role, overrides, consented scopes and client; a compiled grant set per
 * distinct list; a one-account BAN list per account. A million delegations hold a few hundred of
 * each, not a million.
 */
import { compileGrants, NO_GRANTS, type GrantSet } from './grant-set.ts';
import { EMPTY, type DelegationInput, type Policy } from './snapshot-model.ts';
import { SnapshotEntities } from './snapshot-entities.ts';

export class SharedParts extends SnapshotEntities {
  /** compiled grant lists shared by every delegation with the same list */
  readonly #grantSets = new Map<string, GrantSet>();
  /** policies shared by every delegation with the same role, overrides, scopes and client */
  readonly #policies = new Map<string, Policy>();
  /** one-account BAN lists of accounts the snapshot does not know, shared by every delegation covering that account (a known account keeps its own: SnapBan.list) */
  readonly #banLists = new Map<string, readonly string[]>();

  /** A delegation let go of its policy: the last one to go drops it. */
  protected releasePolicy(policy: Policy): void {
    if (--policy.uses === 0) this.#policies.delete(policy.key);
  }

  /** The shared policy for a delegation's role, overrides, consented scopes and client. */
  protected policy(d: DelegationInput): Policy {
    const clientId = d.clientId ? d.clientId : null;
    const grant = d.grant && d.grant.length > 0 ? d.grant : EMPTY;
    const deny = d.deny && d.deny.length > 0 ? d.deny : EMPTY;
    const scopes = d.scopes ?? null;
    // \u0000 between parts, \u0001 between list items: neither occurs in a permission or id (inputs refuse U+0000, ids are [a-z0-9_])
    const key = `${d.role}\u0000${clientId ?? ''}\u0000${scopes === null ? '\u0002' : scopes.join('\u0001')}\u0000${grant.join('\u0001')}\u0000${deny.join('\u0001')}`;
    let p = this.#policies.get(key);
    if (p === undefined) {
      p = {
        key,
        uses: 0,
        role: this.role(d.role),
        grant: grant.length > 0 ? this.#grants(grant) : NO_GRANTS,
        deny: deny.length > 0 ? this.#grants(deny) : NO_GRANTS,
        scopes: scopes === null ? null : this.#grants(scopes),
        clientId: clientId === null ? null : this.intern(clientId),
      };
      this.#policies.set(key, p);
    }
    p.uses++;
    return p;
  }

  /**
   * A delegation's BAN list (ids as the snapshot holds them). A one-account list — the common
   * case — is shared by every delegation covering that account (so the lists kept are bounded by
   * the accounts); a longer list is the delegation's own and goes with it.
   */
  protected banList(ids: readonly string[]): readonly string[] {
    if (ids.length === 0) return EMPTY;
    if (ids.length === 1) {
      const b = this.bans.get(ids[0]);
      if (b !== undefined) return (b.list ??= Object.freeze([b.id]));
      // an account not known (yet): shared through the map, by its id
      let list = this.#banLists.get(ids[0]);
      if (list === undefined) this.#banLists.set(ids[0], (list = Object.freeze([ids[0]])));
      return list;
    }
    const own = ids.map((b) => this.bans.get(b)?.id ?? b);
    if (own.length > 1) return Object.freeze(own);
    let list = this.#banLists.get(own[0]);
    if (list === undefined) this.#banLists.set(own[0], (list = Object.freeze(own)));
    return list;
  }

  #grants(list: readonly string[]): GrantSet {
    const key = list.join('\n');
    let g = this.#grantSets.get(key);
    if (!g) this.#grantSets.set(key, (g = compileGrants(list)));
    return g;
  }
}
