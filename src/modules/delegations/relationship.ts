/**
 * The business side of a partner–customer link: contract reference, contacts and notes. Both
 * sides keep it — the partner (partner.delegations.manage) and the tenant's admin
 * (tenant.delegations.manage) — each through its own routes, so who edits is the verified caller and
 * the side is the route's, never a field of the payload. Every change is audited for both sides
 * (tenant_id and partner_id set) with what changed; an edit made on an older version is refused
 * (409 relationship_changed) instead of overwriting the other side's change.
 */
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { DelegationSteps } from './delegation-steps.ts';
import { delegationErrors as E } from './delegations.errors.ts';
import type { DelegationRow } from './delegations.repo.ts';
import * as repo from './relationship.repo.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

export interface RelationshipContact {
  name: string;
  role: string | null;
  email: string | null;
  phone: string | null;
}

export interface RelationshipInput {
  contract_reference?: string | null;
  contacts?: { name: string; role?: string | null; email?: string | null; phone?: string | null }[];
  notes?: string | null;
  expected_version?: number;
}

export interface Relationship {
  delegation_id: string;
  contract_reference: string | null;
  contacts: RelationshipContact[];
  notes: string | null;
  version: number;
  updated_at: string | null;
  updated_by: string | null;
  /** the name of the person who made the last change (null before the first, or once they are gone) */
  updated_by_name: string | null;
  updated_by_side: 'partner' | 'tenant' | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ().-]{5,32}$/;

const blank = (s: string | null | undefined) => {
  const t = (s ?? '').trim();
  return t === '' ? null : t;
};

/** Contacts trimmed, each with a name and a valid way to reach them; a refusal points at the field. */
export function normalizeContacts(input: NonNullable<RelationshipInput['contacts']>): RelationshipContact[] {
  return input.map((c, i) => {
    const name = blank(c.name);
    const email = blank(c.email);
    const phone = blank(c.phone);
    const bad = (field: string, detail: string) => E.relationship_contact_invalid(`Contact ${i + 1}: ${detail}`, { fields: [{ pointer: `/contacts/${i}/${field}`, detail }] });
    if (!name) throw bad('name', 'Give the contact a name.');
    if (email && !EMAIL.test(email)) throw bad('email', 'This is not an e-mail address.');
    if (phone && !PHONE.test(phone)) throw bad('phone', 'A phone number has digits, spaces and + ( ) - only.');
    if (!email && !phone) throw bad('email', 'Give an e-mail address or a phone number.');
    return { name, role: blank(c.role), email, phone };
  });
}

function toRelationship(delegationId: string, r: repo.RelationshipRow | undefined, updatedByName: string | null = null): Relationship {
  if (!r) return { delegation_id: delegationId, contract_reference: null, contacts: [], notes: null, version: 0, updated_at: null, updated_by: null, updated_by_name: null, updated_by_side: null };
  return {
    delegation_id: r.delegation_id,
    contract_reference: r.contract_reference,
    contacts: JSON.parse(r.contacts) as RelationshipContact[],
    notes: r.notes,
    version: r.version,
    updated_at: r.updated_at,
    updated_by: r.updated_by,
    updated_by_name: r.updated_by ? updatedByName : null,
    updated_by_side: r.updated_by_side,
  };
}

export class LinkRelationships {
  readonly #s: DelegationSteps;
  constructor(steps: DelegationSteps) {
    this.#s = steps;
  }

  async get(delegationId: string): Promise<Relationship> {
    const row = await repo.findRelationship(this.#s.db.kysely, delegationId);
    return toRelationship(delegationId, row, await this.#personName(this.#s.db.kysely, row?.updated_by ?? null));
  }

  /** Who changed the details, by name: both sides read it, so "the partner changed it" says which person. */
  async #personName(db: Parameters<typeof repo.personName>[0], userId: string | null): Promise<string | null> {
    return userId ? repo.personName(db, userId) : null;
  }

  /** Change the details from one side; `scope` is that side's verified tenant or partner. */
  update(ctx: RequestContext, delegationId: string, side: { side: 'tenant'; tenantId: string } | { side: 'partner'; partnerId: string }, input: RelationshipInput): Promise<Relationship> {
    const s = this.#s;
    return s.write(async (trx) => {
      const d: DelegationRow = await s.load(trx, delegationId, side.side === 'tenant' ? { tenantId: side.tenantId } : { partnerId: side.partnerId });
      if (d.status !== 'requested' && d.status !== 'active') throw E.relationship_link_closed(PD.linkDetailsKeptThey, { values: { status: d.status } });
      const row = await repo.findRelationship(trx, d.id);
      const before = toRelationship(d.id, row);
      if (input.expected_version !== undefined && input.expected_version !== before.version) {
        throw E.relationship_changed(PD.someoneChangedTheseDetails, { fields: [{ pointer: '/expected_version', detail: 'not the current version' }] });
      }
      const next = {
        contract_reference: input.contract_reference !== undefined ? blank(input.contract_reference) : before.contract_reference,
        contacts: input.contacts !== undefined ? normalizeContacts(input.contacts) : before.contacts,
        notes: input.notes !== undefined ? blank(input.notes) : before.notes,
      };
      const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(before[k]));
      if (changed.length === 0) return before;
      const now = s.now().toISOString();
      const saved: repo.RelationshipRow = {
        delegation_id: d.id,
        tenant_id: d.tenant_id,
        partner_id: d.partner_id,
        contract_reference: next.contract_reference,
        contacts: JSON.stringify(next.contacts),
        notes: next.notes,
        version: before.version + 1,
        updated_at: now,
        updated_by: ctx.actor.userId ?? null,
        updated_by_side: side.side,
      };
      await repo.upsertRelationship(trx, saved, row !== undefined);
      // what changed, not the notes' text: the log says which fields, both sides read the details themselves
      await s.audit.record(trx, ctx, {
        action: 'delegation.relationship_changed',
        tenantId: d.tenant_id,
        partnerId: d.partner_id,
        targetType: 'delegation',
        targetId: d.id,
        details: { side: side.side, changed, version: saved.version, ...(changed.includes('contract_reference') ? { contract_reference: { from: before.contract_reference, to: next.contract_reference } } : {}) },
      });
      return toRelationship(d.id, saved, await this.#personName(trx, saved.updated_by));
    });
  }
}
