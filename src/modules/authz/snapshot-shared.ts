/**
 * What delegations share by identity (AuthzSnapshot, snapshot.ts, holds one reference per slot):
 * a policy per distinct role, overrides, consented scopes and client; a compiled grant set per
 * distinct list; a one-account BAN list per account. A million delegations hold a few hundred of
 * each, not a million.
 */
import { compileGrants, NO_GRANTS, type GrantSet } from './grant-set.ts';
import { EMPTY, type DelegationInput, type Policy, type SnapTenant } from './snapshot-model.ts';
import { SnapshotEntities } from './snapshot-entities.ts';

/** Policies remembered per role by the lists they were made from (SharedParts.policy). */
const RECENT = 8;
interface RecentPolicy {
  readonly grant: DelegationInput['grant'];
  readonly deny: DelegationInput['deny'];
  readonly scopes: DelegationInput['scopes'];
  readonly clientId: string | null;
  readonly policy: Policy;
}

const frozen = (list: readonly string[] | null | undefined) => list === null || list === undefined || Object.isFrozen(list);

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

  /**
   * The policies last handed out per role, with the very lists they were made from: a loader's rows
   * share their parsed override and scope lists (snapshot-loader.ts), so most rows find their
   * policy by the lists' identity, without building and hashing its key. At most RECENT a role;
   * only frozen lists (or none) are remembered, so a list found by identity has the same items.
   */
  readonly #recent = new Map<string, RecentPolicy[]>();

  /** The shared policy for a delegation's role, overrides, consented scopes and client. */
  protected policy(d: DelegationInput): Policy {
    const clientId = d.clientId ? d.clientId : null;
    let recent = this.#recent.get(d.role);
    if (recent !== undefined) {
      for (const r of recent) {
        // a policy whose last delegation went has left the map: never handed out again
        if (r.grant === d.grant && r.deny === d.deny && r.scopes === d.scopes && r.clientId === clientId && r.policy.uses > 0) {
          r.policy.uses++;
          return r.policy;
        }
      }
    } else this.#recent.set(d.role, (recent = []));
    const p = this.#keyedPolicy(d, clientId);
    // only lists that cannot change are known by identity (the loader's are frozen)
    if (!frozen(d.grant) || !frozen(d.deny) || !frozen(d.scopes)) return p;
    const entry = { grant: d.grant, deny: d.deny, scopes: d.scopes, clientId, policy: p };
    if (recent.length < RECENT) recent.push(entry);
    else recent[this.#recentNext++ % RECENT] = entry;
    return p;
  }

  #recentNext = 0;

  /** The shared policy, found (or made) by its key. */
  #keyedPolicy(d: DelegationInput, clientId: string | null): Policy {
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

  /**
   * banList for a delegation of `tenant`: a tenant's delegations mostly cover the same account, so
   * the tenant remembers its last one-account list (one string comparison instead of a lookup in
   * the map of every billing account). The lists are equal by content, which is all decide() reads.
   */
  protected tenantBanList(tenant: SnapTenant, ids: readonly string[]): readonly string[] {
    if (ids.length !== 1) return this.banList(ids);
    const last = tenant.lastBans;
    if (last !== null && last[0] === ids[0]) return last;
    return (tenant.lastBans = this.banList(ids));
  }

  #grants(list: readonly string[]): GrantSet {
    const key = list.join('\n');
    let g = this.#grantSets.get(key);
    if (!g) this.#grantSets.set(key, (g = compileGrants(list)));
    return g;
  }
}
