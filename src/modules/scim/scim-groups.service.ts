/**
 * SCIM Groups of one organization (a partner or a tenant): the directory's groups and their
 * members. A group named after a role gives its members that role — a partner's member roles
 * ("Billing", "partner_msp_billing", "Partnergate Auditors"…), a tenant's TENANT_ADMIN ("Admins")
 * or TENANT_USER ("Users"); a person in several takes the broadest, and one who leaves every role
 * group falls back to the narrow role (a partner's read-only auditor, a tenant's TENANT_USER) —
 * never to full access. Roles are set through the membership's own path (scim-members.ts: audited,
 * in the snapshot at the next request).
 */
import { mutateAndKick, type Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { scimProblem } from './scim.errors.ts';
import { auditOrg, type Memberships } from './scim-members.ts';
import * as repo from './scim.repo.ts';
import { applyPatch, filterOf, listResponse, patchOperations, toScimGroup } from './scim.resources.ts';
import type { ScimPatchOperation } from 'scim-patch';

export interface ScimGroupsDeps {
  db: Db;
  feed: ChangeFeed;
  audit: AuditLog;
  clock: Clock;
  memberships: Memberships;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

interface GroupInput {
  displayName: string;
  externalId: string | null;
  members: string[];
}

function groupInput(body: unknown): GroupInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw scimProblem.invalidSyntax('The body must be a SCIM Group object.');
  const b = body as Record<string, unknown>;
  if (typeof b.displayName !== 'string' || b.displayName.trim() === '' || b.displayName.length > 200) throw scimProblem.invalidValue('displayName is required: a string of at most 200 characters.');
  if (b.externalId !== undefined && b.externalId !== null && typeof b.externalId !== 'string') throw scimProblem.invalidValue('externalId must be a string.');
  const members = b.members ?? [];
  if (!Array.isArray(members) || members.some((m) => !m || typeof (m as { value?: unknown }).value !== 'string')) throw scimProblem.invalidValue('members must be a list of {"value": "<user id>"}.');
  return { displayName: b.displayName.trim(), externalId: (b.externalId as string | undefined) ?? null, members: [...new Set((members as { value: string }[]).map((m) => m.value))] };
}

export class ScimGroups {
  readonly #d: ScimGroupsDeps;
  constructor(d: ScimGroupsDeps) {
    this.#d = d;
  }

  #now() {
    return this.#d.clock.now().toISOString();
  }

  /** The role a group's name stands for in this kind of organization, or null. */
  roleFor(org: repo.Org, displayName: string): string | null {
    const n = norm(displayName);
    for (const { id, names: words } of this.#d.memberships[org.type].groupRoles) {
      const names = words.map(norm).filter((x) => x.length > 0);
      if (names.some((r) => n === r || n === r + 's' || n.endsWith(r) || n.endsWith(r + 's'))) return id;
    }
    return null;
  }

  async #doc(base: string, org: repo.Org, g: repo.ScimGroupRow) {
    const members = await repo.listGroupMembers(this.#d.db.kysely, [g.id]);
    const people = new Map((await repo.listScimUsers(this.#d.db.kysely, org)).map((u) => [u.user_id, u.user_name]));
    return toScimGroup(base, g, members.map((m) => ({ id: m.user_id, display: people.get(m.user_id) ?? m.user_id })));
  }

  async get(base: string, org: repo.Org, id: string) {
    const g = await repo.findGroup(this.#d.db.kysely, org, id);
    if (!g) throw scimProblem.notFound('Group');
    return this.#doc(base, org, g);
  }

  async list(base: string, org: repo.Org, q: Record<string, unknown>, page: { start: number; count: number }) {
    const match = filterOf(q.filter);
    const docs = [];
    for (const g of await repo.listGroups(this.#d.db.kysely, org)) docs.push(await this.#doc(base, org, g));
    // excludedAttributes=members (Entra ID, Okta): the list without the member lists
    const lean = typeof q.excludedAttributes === 'string' && q.excludedAttributes.split(',').map((s) => s.trim().toLowerCase()).includes('members');
    const out = match ? docs.filter((d) => match(d as unknown as Record<string, unknown>)) : docs;
    return listResponse(lean ? out.map(({ members: _m, ...rest }) => rest) : out, page);
  }

  async #checkMembers(org: repo.Org, ids: string[]) {
    const known = new Set((await repo.listScimUsers(this.#d.db.kysely, org)).map((u) => u.user_id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) throw scimProblem.invalidValue(`No user with id ${unknown[0]} is provisioned here.`);
  }

  async create(ctx: RequestContext, base: string, org: repo.Org, body: unknown) {
    const input = groupInput(body);
    if ((await repo.listGroups(this.#d.db.kysely, org)).some((g) => g.display_name.toLowerCase() === input.displayName.toLowerCase())) throw scimProblem.uniqueness(`A group named ${input.displayName} already exists.`);
    await this.#checkMembers(org, input.members);
    const now = this.#now();
    const id = newId('sgr');
    const role = this.roleFor(org, input.displayName);
    await mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      await repo.insertGroup(trx, { id, org_type: org.type, org_id: org.id, display_name: input.displayName, external_id: input.externalId, member_role: role, created_at: now, updated_at: now });
      await repo.setGroupMembers(trx, id, input.members);
      await this.#d.audit.record(trx, ctx, { action: 'scim.group_created', ...auditOrg(org), targetType: 'scim_group', targetId: id, details: { display_name: input.displayName, member_role: role, members: input.members } });
    });
    await this.#syncRoles(ctx, org, input.members, role !== null);
    return this.get(base, org, id);
  }

  async #current(org: repo.Org, id: string, ifMatch: string | undefined) {
    const g = await repo.findGroup(this.#d.db.kysely, org, id);
    if (!g) throw scimProblem.notFound('Group');
    if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.split(',').map((s) => s.trim()).includes(`W/"${g.version}"`)) throw scimProblem.preconditionFailed();
    return g;
  }

  async replace(ctx: RequestContext, base: string, org: repo.Org, id: string, body: unknown, ifMatch?: string) {
    const g = await this.#current(org, id, ifMatch);
    await this.#write(ctx, org, g, groupInput(body));
    return this.get(base, org, id);
  }

  async patch(ctx: RequestContext, base: string, org: repo.Org, id: string, body: unknown, ifMatch?: string) {
    const g = await this.#current(org, id, ifMatch);
    const doc = await this.#doc(base, org, g);
    const patched = applyPatch(doc as never, memberRemovalsByValue(patchOperations(body))) as unknown as Record<string, unknown>;
    await this.#write(ctx, org, g, groupInput(patched));
    return this.get(base, org, id);
  }

  async #write(ctx: RequestContext, org: repo.Org, g: repo.ScimGroupRow, input: GroupInput) {
    if (input.displayName.toLowerCase() !== g.display_name.toLowerCase() && (await repo.listGroups(this.#d.db.kysely, org)).some((x) => x.display_name.toLowerCase() === input.displayName.toLowerCase())) {
      throw scimProblem.uniqueness(`A group named ${input.displayName} already exists.`);
    }
    await this.#checkMembers(org, input.members);
    const before = (await repo.listGroupMembers(this.#d.db.kysely, [g.id])).map((m) => m.user_id);
    const role = input.displayName === g.display_name ? g.member_role : this.roleFor(org, input.displayName);
    const added = input.members.filter((m) => !before.includes(m));
    const removed = before.filter((m) => !input.members.includes(m));
    await mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      await repo.updateGroup(trx, g.id, { display_name: input.displayName, external_id: input.externalId, member_role: role, version: g.version + 1, updated_at: this.#now() });
      await repo.setGroupMembers(trx, g.id, input.members);
      await this.#d.audit.record(trx, ctx, {
        action: 'scim.group_updated',
        ...auditOrg(org),
        targetType: 'scim_group',
        targetId: g.id,
        details: { display_name: input.displayName, ...(input.displayName !== g.display_name ? { renamed_from: g.display_name } : {}), member_role: role, members_added: added, members_removed: removed },
      });
    });
    const roleChanged = role !== g.member_role;
    await this.#syncRoles(ctx, org, roleChanged ? [...new Set([...before, ...input.members])] : [...added, ...removed], role !== null || g.member_role !== null);
  }

  async remove(ctx: RequestContext, org: repo.Org, id: string, ifMatch?: string) {
    const g = await this.#current(org, id, ifMatch);
    const before = (await repo.listGroupMembers(this.#d.db.kysely, [g.id])).map((m) => m.user_id);
    await mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      await repo.deleteGroup(trx, g.id);
      await this.#d.audit.record(trx, ctx, { action: 'scim.group_deleted', ...auditOrg(org), targetType: 'scim_group', targetId: g.id, details: { display_name: g.display_name, members: before } });
    });
    await this.#syncRoles(ctx, org, before, g.member_role !== null);
  }

  /** Each person's member role from the role groups they are in now: the broadest, or the auditor role when none. */
  async #syncRoles(ctx: RequestContext, org: repo.Org, userIds: string[], roleGroupInvolved: boolean) {
    if (!roleGroupInvolved) return;
    for (const userId of new Set(userIds)) {
      if (!(await repo.findScimUser(this.#d.db.kysely, org, userId))) continue;
      const members = this.#d.memberships[org.type];
      const roles = await repo.memberRolesOfUser(this.#d.db.kysely, org, userId);
      const role = members.groupRoles.find((r) => roles.includes(r.id))?.id ?? members.fallbackRole;
      await members.setRole(ctx, org, userId, role);
    }
  }
}

/**
 * Entra ID removes group members with `{"op":"Remove","path":"members","value":[{"value":"<id>"}, …]}` (RFC 7644
 * §3.5.2.2 allows a value with a remove). The patch library compares whole member objects, and a group's members carry
 * display and $ref besides value, so nothing matched and nobody left the group. Each member named is removed by its
 * value instead, as Okta's `members[value eq "<id>"]` form does.
 */
export function memberRemovalsByValue(ops: ScimPatchOperation[]): ScimPatchOperation[] {
  return ops.flatMap((o) => {
    const op = o as { op: string; path?: string; value?: unknown };
    if (op.op !== 'remove' || op.path?.toLowerCase() !== 'members' || op.value === undefined) return [o];
    const values = (Array.isArray(op.value) ? op.value : [op.value]).map((v) => (v && typeof v === 'object' ? (v as { value?: unknown }).value : v));
    if (values.some((v) => typeof v !== 'string')) throw scimProblem.invalidValue('Each member to remove needs its value (the person’s id).');
    return (values as string[]).map((v) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(v)}]` }) as ScimPatchOperation);
  });
}
