/**
 * SCIM Users of one organization (a partner or a tenant): create (or link an existing account of
 * that e-mail that belongs to no other organization) as a member (PARTNER_STAFF, TENANT_USER),
 * replace, patch, deactivate, reactivate, delete. An account is governed only by the organizations
 * it belongs to: deactivating and deleting end the person's membership of this organization by the
 * membership's own path (scim-members.ts: a partner's goes inactive and its just-in-time
 * activations end; a tenant's is removed), and only when this organization was the person's last
 * do they also reuse the platform's one path that ends an account's access —
 * IdentityService.setUserStatus('disabled'): sessions, API tokens, OAuth grants and refresh tokens,
 * pending invitations. Either way the change reaches every instance through the change feed. The
 * account and its audit history stay. A provisioned person is in the directory's reach while a
 * member of its organization, or while the directory itself has them switched off.
 */
import { canonicalEmail } from '../../platform/email-address.ts';
import { mutateAndKick, type Db, type Tx } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { scimProblem } from './scim.errors.ts';
import { auditOrg, type Memberships } from './scim-members.ts';
import * as repo from './scim.repo.ts';
import { applyPatch, booleanOf, filterOf, listResponse, patchOperations, toScimUser, type UserView } from './scim.resources.ts';

export interface ScimPeopleDeps {
  db: Db;
  feed: ChangeFeed;
  audit: AuditLog;
  clock: Clock;
  identity: IdentityService;
  memberships: Memberships;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface UserInput {
  userName: string;
  externalId: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  email: string;
  active: boolean;
}

/** What a User document asks for, checked (RFC 7643 §4.1); 400 invalidValue / invalidSyntax otherwise. */
export function userInput(body: unknown): UserInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw scimProblem.invalidSyntax('The body must be a SCIM User object.');
  const b = body as Record<string, unknown>;
  const str = (v: unknown, name: string): string | null => {
    if (v === undefined || v === null || v === '') return null;
    if (typeof v !== 'string' || v.length > 320) throw scimProblem.invalidValue(`${name} must be a string of at most 320 characters.`);
    return v.trim();
  };
  const userName = str(b.userName, 'userName');
  if (!userName) throw scimProblem.invalidValue('userName is required.');
  const name = (b.name ?? {}) as Record<string, unknown>;
  if (typeof name !== 'object' || Array.isArray(name)) throw scimProblem.invalidValue('name must be an object.');
  let email: string | null = null;
  if (b.emails !== undefined && b.emails !== null) {
    if (!Array.isArray(b.emails)) throw scimProblem.invalidValue('emails must be an array.');
    const list = b.emails as { value?: unknown; primary?: unknown }[];
    const chosen = list.find((e) => e && (e.primary === true || e.primary === 'True' || e.primary === 'true')) ?? list[0];
    email = chosen ? str(chosen.value, 'emails.value') : null;
  }
  const given = email ?? (userName.includes('@') ? userName : null);
  email = given === null ? null : canonicalEmail(given);
  if (!email || !EMAIL.test(email)) throw scimProblem.invalidValue('A person needs an e-mail address: a primary value in emails, or a userName that is one.');
  return {
    userName: userName.toLowerCase(),
    externalId: str(b.externalId, 'externalId'),
    givenName: str(name.givenName, 'name.givenName'),
    familyName: str(name.familyName, 'name.familyName'),
    displayName: str(b.displayName, 'displayName'),
    email,
    active: b.active === undefined || b.active === null ? true : booleanOf(b.active, 'active'),
  };
}

export class ScimPeople {
  readonly #d: ScimPeopleDeps;
  constructor(d: ScimPeopleDeps) {
    this.#d = d;
  }

  #now() {
    return this.#d.clock.now().toISOString();
  }

  /** setUserStatus's principal: the SCIM connection, which is never the person it disables. */
  #principal(ctx: RequestContext): Principal {
    return { kind: 'api_token', userId: ctx.actor.clientId ?? 'scim', email: '', name: 'SCIM', userStatus: 'active', platformRole: null, tenants: [], partner: null, sessionId: null, csrfToken: null, tokenId: null };
  }

  async view(org: repo.Org, row: repo.ScimUserRow, ex: Db['kysely'] | Tx = this.#d.db.kysely): Promise<UserView> {
    const user = await this.#d.identity.findUserById(row.user_id, ex as Tx);
    const groups = (await repo.listGroups(ex, org)).filter(Boolean);
    const members = await repo.listGroupMembers(ex, groups.map((g) => g.id));
    const mine = new Set(members.filter((m) => m.user_id === row.user_id).map((m) => m.group_id));
    return { row, email: user?.email ?? row.user_name, displayName: user?.name ?? row.user_name, groups: groups.filter((g) => mine.has(g.id)).map((g) => ({ id: g.id, displayName: g.display_name })) };
  }

  /** A person this organization's directory provisioned and who is its member now. */
  async #find(org: repo.Org, userId: string) {
    const row = await repo.findScimUser(this.#d.db.kysely, org, userId);
    if (!row || (row.active === 1 && !(await this.#d.memberships[org.type].members(org)).has(userId))) return undefined;
    return row;
  }

  async get(base: string, org: repo.Org, userId: string) {
    const row = await this.#find(org, userId);
    if (!row) throw scimProblem.notFound('User');
    return toScimUser(base, await this.view(org, row));
  }

  async list(base: string, org: repo.Org, q: Record<string, unknown>, page: { start: number; count: number }) {
    const match = filterOf(q.filter);
    const members = await this.#d.memberships[org.type].members(org);
    const rows = (await repo.listScimUsers(this.#d.db.kysely, org)).filter((r) => r.active === 0 || members.has(r.user_id));
    const docs = [];
    for (const row of rows) docs.push(toScimUser(base, await this.view(org, row)));
    return listResponse(match ? docs.filter((d) => match(d as unknown as Record<string, unknown>)) : docs, page);
  }

  async create(ctx: RequestContext, base: string, org: repo.Org, body: unknown) {
    const input = userInput(body);
    const db = this.#d.db.kysely;
    if ((await repo.listScimUsers(db, org)).some((u) => u.user_name === input.userName)) throw scimProblem.uniqueness(`A user with userName ${input.userName} already exists.`);
    if (input.externalId && (await repo.findScimUserByExternalId(db, org, input.externalId))) throw scimProblem.uniqueness('A user with this externalId already exists.');
    const existing = await this.#d.identity.findUserByEmail(input.email);
    if (existing?.platform_role) throw scimProblem.uniqueness('This e-mail address belongs to a platform operator, who cannot be provisioned by an organization.');
    const members = this.#d.memberships[org.type];
    const placement = existing ? await members.placement(org, existing.id) : 'free';
    if (placement === 'elsewhere') throw scimProblem.accountConflict();
    if (existing && (await repo.findScimUser(db, org, existing.id))) throw scimProblem.uniqueness('This person is already provisioned.');
    const now = this.#now();
    const displayName = input.displayName ?? ([input.givenName, input.familyName].filter(Boolean).join(' ') || input.userName);
    const userId = await mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      // a new account has no password: the person signs in by single sign-on or sets one with a reset link
      const id = existing?.id ?? (await this.#d.identity.createUser(trx, { email: input.email, name: displayName, password: null, federated: true }));
      if (placement === 'free') await members.add(trx, org, id, ctx);
      await repo.insertScimUser(trx, { org_type: org.type, org_id: org.id, user_id: id, external_id: input.externalId, user_name: input.userName, given_name: input.givenName, family_name: input.familyName, active: 1, created_at: now, updated_at: now });
      await this.#d.audit.record(trx, ctx, { action: 'scim.user_provisioned', ...auditOrg(org), targetType: 'user', targetId: id, details: { user_name: input.userName, linked_existing_account: existing !== undefined } });
      return id;
    });
    if (!input.active) await this.#setActive(ctx, org, userId, false);
    else if (existing && existing.status === 'disabled') await this.#setActive(ctx, org, userId, true, true);
    return this.get(base, org, userId);
  }

  async #current(org: repo.Org, userId: string, ifMatch: string | undefined) {
    const row = await this.#find(org, userId);
    if (!row) throw scimProblem.notFound('User');
    if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.split(',').map((s) => s.trim()).includes(`W/"${row.version}"`)) throw scimProblem.preconditionFailed();
    return row;
  }

  async replace(ctx: RequestContext, base: string, org: repo.Org, userId: string, body: unknown, ifMatch?: string) {
    const row = await this.#current(org, userId, ifMatch);
    await this.#apply(ctx, org, row, userInput(body));
    return this.get(base, org, userId);
  }

  async patch(ctx: RequestContext, base: string, org: repo.Org, userId: string, body: unknown, ifMatch?: string) {
    const row = await this.#current(org, userId, ifMatch);
    const doc = toScimUser(base, await this.view(org, row));
    const patched = applyPatch(doc as never, patchOperations(body)) as unknown as Record<string, unknown>;
    await this.#apply(ctx, org, row, userInput(patched));
    return this.get(base, org, userId);
  }

  /** Writes what changed: the SCIM record, the account's name, and the person's access when `active` changes. */
  async #apply(ctx: RequestContext, org: repo.Org, row: repo.ScimUserRow, input: UserInput) {
    const db = this.#d.db.kysely;
    if (input.userName !== row.user_name && (await repo.listScimUsers(db, org)).some((u) => u.user_name === input.userName)) throw scimProblem.uniqueness(`A user with userName ${input.userName} already exists.`);
    if (input.externalId && input.externalId !== row.external_id && (await repo.findScimUserByExternalId(db, org, input.externalId))) throw scimProblem.uniqueness('A user with this externalId already exists.');
    await this.#addressIsTheirs(org, row.user_id, input.email);
    const changed: string[] = [];
    if (input.userName !== row.user_name) changed.push('userName');
    if (input.externalId !== row.external_id) changed.push('externalId');
    if (input.givenName !== row.given_name) changed.push('name.givenName');
    if (input.familyName !== row.family_name) changed.push('name.familyName');
    const user = await this.#d.identity.findUserById(row.user_id);
    const displayName = input.displayName ?? ([input.givenName, input.familyName].filter(Boolean).join(' ') || null);
    if (displayName && user && displayName !== user.name) changed.push('displayName');
    if (changed.length > 0) {
      await mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
        await repo.updateScimUser(trx, org, row.user_id, { user_name: input.userName, external_id: input.externalId, given_name: input.givenName, family_name: input.familyName, version: row.version + 1, updated_at: this.#now() });
        await this.#d.audit.record(trx, ctx, { action: 'scim.user_updated', ...auditOrg(org), targetType: 'user', targetId: row.user_id, details: { fields: changed } });
      });
      if (changed.includes('displayName')) await this.#d.identity.updateProfile(ctx, { ...this.#principal(ctx), userId: row.user_id }, { name: displayName! });
    }
    if (input.active !== (row.active === 1)) await this.#setActive(ctx, org, row.user_id, input.active);
  }

  /** An update may not name the address of another account: another organization's (account_conflict) or another of this one's. */
  async #addressIsTheirs(org: repo.Org, userId: string, email: string) {
    const owner = await this.#d.identity.findUserByEmail(email);
    if (!owner || owner.id === userId) return;
    if ((await this.#d.memberships[org.type].placement(org, owner.id)) === 'elsewhere') throw scimProblem.accountConflict();
    throw scimProblem.uniqueness('This e-mail address belongs to another person of this organization.');
  }

  /**
   * Deactivate: the membership's side first (a partner's goes inactive; an organization keeps its
   * last owner or admin: refused). A person who belongs to another organization too leaves this one
   * alone (scim-members.ts `leave`): their access here is refused on the next request, the account
   * and its other memberships stay. Otherwise the account is disabled — the path that ends its
   * sessions, API tokens and OAuth grants everywhere. Reactivate: the membership comes back (and the
   * account, when it was disabled); tokens and grants do not.
   */
  async #setActive(ctx: RequestContext, org: repo.Org, userId: string, active: boolean, force = false) {
    const row = await repo.findScimUser(this.#d.db.kysely, org, userId);
    if (!row || (!force && (row.active === 1) === active)) return;
    const scope = active ? await this.#switchOn(ctx, org, userId) : await this.#switchOff(ctx, org, userId);
    await mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      await repo.updateScimUser(trx, org, userId, { active: active ? 1 : 0, version: row.version + 1, updated_at: this.#now() });
      await this.#d.audit.record(trx, ctx, { action: active ? 'scim.user_reactivated' : 'scim.user_deactivated', ...auditOrg(org), targetType: 'user', targetId: userId, details: { scope } });
    });
  }

  /** What a deactivation reached: this organization's membership alone, or the account (its last organization). */
  async #switchOff(ctx: RequestContext, org: repo.Org, userId: string): Promise<'organization' | 'account'> {
    const members = this.#d.memberships[org.type];
    await members.deactivate(ctx, org, userId);
    if (await members.elsewhere(org, userId)) {
      await members.leave(ctx, org, userId);
      return 'organization';
    }
    await this.#d.identity.setUserStatus(ctx, this.#principal(ctx), userId, 'disabled');
    await members.afterDeactivate(ctx, org, userId);
    return 'account';
  }

  async #switchOn(ctx: RequestContext, org: repo.Org, userId: string): Promise<'organization' | 'account'> {
    const members = this.#d.memberships[org.type];
    const user = await this.#d.identity.findUserById(userId);
    const disabled = user?.status === 'disabled';
    if (disabled) await this.#d.identity.setUserStatus(ctx, this.#principal(ctx), userId, 'active');
    if (!(await members.members(org)).has(userId)) await this.#rejoin(ctx, org, userId);
    await members.reactivate(ctx, org, userId);
    return disabled ? 'account' : 'organization';
  }

  /** A membership the directory ended comes back, with the broadest role the person's groups here give. */
  async #rejoin(ctx: RequestContext, org: repo.Org, userId: string) {
    const members = this.#d.memberships[org.type];
    await mutateAndKick(this.#d.db, this.#d.feed, (trx) => members.add(trx, org, userId, ctx));
    const roles = await repo.memberRolesOfUser(this.#d.db.kysely, org, userId);
    const role = members.groupRoles.find((r) => roles.includes(r.id))?.id;
    if (role && role !== members.defaultRole) await members.setRole(ctx, org, userId, role);
  }

  /** Delete: access ends as for a deactivation, the membership goes; the account is disabled with its history only when this was its last organization. */
  async remove(ctx: RequestContext, org: repo.Org, userId: string, ifMatch?: string) {
    const row = await this.#current(org, userId, ifMatch);
    if (row.active === 1) await this.#setActive(ctx, org, userId, false);
    const members = this.#d.memberships[org.type];
    const user = await this.#d.identity.findUserById(userId);
    if (user?.status === 'active' && !(await members.elsewhere(org, userId))) await this.#d.identity.setUserStatus(ctx, this.#principal(ctx), userId, 'disabled');
    await members.remove(ctx, org, userId);
    await mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      await repo.deleteScimUser(trx, org, userId);
      await this.#d.audit.record(trx, ctx, { action: 'scim.user_deleted', ...auditOrg(org), targetType: 'user', targetId: userId, details: { user_name: row.user_name } });
    });
  }
}
