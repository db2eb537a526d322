/**
 * Access templates: what a partner may ask a tenant for, as a named offer — a delegation role,
 * extra permissions on top of it, and the longest duration. The operator's templates are offered
 * to every partner; a partner's own only to itself. Templates are archived, never deleted, so the
 * requests that name them keep reading. The permissions are validated by the delegations module's
 * own rules (a template may grant only what a delegation may).
 */
import { lockRows, mutate, type Executor } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { anyGrantCovers } from '../authz/index.ts';
import { permissionPhrase } from './approval-rules.ts';
import { accessRequestErrors as E } from './accessrequests.errors.ts';
import * as repo from './accessrequests.repo.ts';
import type { AccessRequestsDeps, TemplateOwner } from './accessrequests.types.ts';
import { problemDetails as PD } from './accessrequests.problem-details.ts';

export interface TemplateInput {
  name: string;
  description: string;
  role: string;
  grants?: string[];
  max_days: number;
  default_days?: number;
}

export class AccessTemplates {
  readonly #d: AccessRequestsDeps;
  constructor(d: AccessRequestsDeps) {
    this.#d = d;
  }

  /** The permissions a role plus extra grants give, each with the words a person reads. */
  permissionsOf(role: string, grants: readonly string[]): { name: string; sentence: string }[] {
    const all = [...this.#d.roles.permissionsOf(role), ...grants];
    const out: { name: string; sentence: string }[] = [];
    for (const [name, description] of this.#d.roles.permissions) if (anyGrantCovers(all, name)) out.push({ name, sentence: permissionPhrase(description) });
    return out;
  }

  roleName(role: string): string {
    return this.#d.roles.get(role)?.name ?? role;
  }

  #validate(input: Partial<TemplateInput>, current?: repo.TemplateRow): { role: string; grants: string[]; max_days: number; default_days: number } {
    const role = input.role ?? current?.role ?? '';
    const r = this.#d.roles.get(role);
    if (!r || r.catalog !== 'delegation' || role === 'WHOLESALE') {
      const names = this.#d.roles.list('delegation').filter((x) => x.id !== 'WHOLESALE').map((x) => x.id);
      throw E.access_template_invalid(PD.notRolePartnerCan, { values: { role, names: names.join(', ') }, fields: [{ pointer: '/role', detail: 'unknown role' }] });
    }
    const grants = input.grants !== undefined ? this.#d.delegations.validateOverrides({ grant: input.grants }).grant : current ? (JSON.parse(current.grants) as string[]) : [];
    if (role === 'DELEGATE' && grants.length === 0) throw E.access_template_invalid(PD.delegateRoleGrantsNothing, { fields: [{ pointer: '/grants', detail: 'empty' }] });
    const max = input.max_days ?? current?.max_days ?? 0;
    const limit = this.#d.delegations.maxDays;
    if (max < 1 || max > limit) throw E.access_template_invalid(PD.maxDaysMustBetween, { values: { limit }, fields: [{ pointer: '/max_days', detail: `1 to ${limit}` }] });
    const def = input.default_days ?? (input.max_days !== undefined ? Math.min(current?.default_days ?? max, max) : (current?.default_days ?? max));
    if (def < 1 || def > max) throw E.access_template_invalid(PD.defaultDaysMustBetween, { fields: [{ pointer: '/default_days', detail: `1 to ${max}` }] });
    return { role, grants, max_days: max, default_days: def };
  }

  list(owner: TemplateOwner, status?: 'active' | 'archived'): Promise<repo.TemplateRow[]> {
    return repo.listTemplates(this.#d.db.kysely, { partnerId: owner.type === 'partner' ? owner.partnerId : null, status });
  }

  /** What a partner may request with: the operator's active templates and its own. */
  usable(partnerId: string): Promise<repo.TemplateRow[]> {
    return repo.listTemplates(this.#d.db.kysely, { partnerId, usable: true });
  }

  /** One template the owner edits (another owner's answers like a missing one). */
  async get(owner: TemplateOwner, id: string, db: Executor = this.#d.db.kysely): Promise<repo.TemplateRow> {
    const t = await repo.findTemplate(db, id);
    if (!t || t.partner_id !== (owner.type === 'partner' ? owner.partnerId : null)) throw E.access_template_not_found();
    return t;
  }

  async create(ctx: RequestContext, owner: TemplateOwner, input: TemplateInput): Promise<repo.TemplateRow> {
    const v = this.#validate(input);
    const now = this.#d.clock.now().toISOString();
    const row: repo.TemplateRow = {
      id: newId('atpl'),
      partner_id: owner.type === 'partner' ? owner.partnerId : null,
      name: input.name.trim(),
      description: input.description.trim(),
      role: v.role,
      grants: JSON.stringify(v.grants),
      max_days: v.max_days,
      default_days: v.default_days,
      status: 'active',
      created_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    };
    await mutate(this.#d.db, async (trx) => {
      await repo.insertTemplate(trx, row);
      await this.#d.audit.record(trx, ctx, { action: 'access_template.created', partnerId: row.partner_id, targetType: 'access_template', targetId: row.id, details: { name: row.name, role: row.role, grants: v.grants, max_days: row.max_days } });
    });
    return row;
  }

  async update(ctx: RequestContext, owner: TemplateOwner, id: string, input: Partial<TemplateInput> & { status?: 'active' | 'archived' }): Promise<repo.TemplateRow> {
    return mutate(this.#d.db, async (trx) => {
      await lockRows(this.#d.db, trx, 'access_templates', { id });
      const t = await this.get(owner, id, trx);
      const v = this.#validate(input, t);
      const patch: Partial<repo.TemplateRow> = { role: v.role, grants: JSON.stringify(v.grants), max_days: v.max_days, default_days: v.default_days, updated_at: this.#d.clock.now().toISOString() };
      if (input.name !== undefined) patch.name = input.name.trim();
      if (input.description !== undefined) patch.description = input.description.trim();
      if (input.status !== undefined) patch.status = input.status;
      await repo.updateTemplate(trx, id, patch);
      const changes = Object.keys(input);
      await this.#d.audit.record(trx, ctx, { action: input.status === 'archived' && t.status !== 'archived' ? 'access_template.archived' : 'access_template.updated', partnerId: t.partner_id, targetType: 'access_template', targetId: id, details: { changes } });
      return { ...t, ...patch };
    });
  }
}
