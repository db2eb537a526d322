/** Opening and changing support tickets: who may be assigned, which status may follow which, every change audited. */
import type { Db, Tx } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { BillingAccountRow } from '../tenants/index.ts';
import { resourceErrors as E } from './resources.errors.ts';
import * as repo from './resources.repo.ts';
import { isUserId } from './people.ts';
import { isActiveMemberOf } from './assignee-reads.ts';
import { callerScope, type ResourceCaller } from './resource-caller.ts';
import { toTicketDto, type TicketComment } from './resource-dtos.ts';
import { NOT_SENT, providerKey, sentColumns, type RecordWrites } from './record-writes.ts';
import { problemDetails as PD } from './resources.problem-details.ts';

const TICKET_TRANSITIONS: Record<string, readonly string[]> = {
  open: ['in_progress', 'waiting_on_customer', 'resolved', 'closed'],
  in_progress: ['open', 'waiting_on_customer', 'resolved', 'closed'],
  waiting_on_customer: ['open', 'in_progress', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

/** The statuses a customer's reply moves back to open. */
const REOPENED_BY_REPLY: readonly string[] = ['waiting_on_customer', 'resolved'];

export interface ResourceTicketsDeps {
  db: Db;
  clock: Clock;
  /** a BAN reference the caller's access covers (ResourcesService.resolveBan) */
  resolveBan: (c: ResourceCaller, ref: string) => Promise<BillingAccountRow>;
  audit: (trx: Tx, ctx: RequestContext, c: ResourceCaller, action: string, ban: string | null, targetType: string, targetId: string, details: Record<string, unknown>) => Promise<void>;
  /** where ticket writes go (absent: the reference service, here at once) */
  writes?: RecordWrites;
}

type Patch = { status?: repo.TicketRow['status']; priority?: repo.TicketRow['priority']; assignee?: string | null; comment?: string; customerReply?: boolean };

/**
 * What a change does to a ticket: the columns it sets and the audit's words, or the refusal (a
 * status that cannot follow, a closed ticket). Decided before anything is sent or written.
 */
function planChange(t: repo.TicketRow, patch: Patch, now: string, by: string, byPartnerId: string | null) {
  // The customer's reply hands the ticket back, as a help desk does: a ticket waiting on the
  // customer, or resolved, is open again for the provider or partner handling it.
  if (patch.customerReply && REOPENED_BY_REPLY.includes(t.status)) patch = { ...patch, status: 'open' };
  const set: Partial<repo.TicketRow> = { updated_at: now };
  const changes: Record<string, unknown> = {};
  if (patch.status !== undefined && patch.status !== t.status) {
    if (!TICKET_TRANSITIONS[t.status].includes(patch.status)) throw E.invalid_ticket_transition(PD.ticketCannotBecome, { values: { status: t.status, status2: patch.status } });
    set.status = patch.status;
    set.resolved_at = patch.status === 'resolved' || patch.status === 'closed' ? now : null;
    changes.status = { from: t.status, to: patch.status };
  } else if (t.status === 'closed' && (patch.priority !== undefined || patch.assignee !== undefined || patch.comment !== undefined)) {
    throw E.invalid_ticket_transition(PD.closedTicketCannotChanged);
  }
  if (patch.priority !== undefined && patch.priority !== t.priority) {
    set.priority = patch.priority;
    changes.priority = { from: t.priority, to: patch.priority };
  }
  if (patch.assignee !== undefined && patch.assignee !== t.assignee) {
    set.assignee = patch.assignee;
    changes.assignee = { from: t.assignee, to: patch.assignee };
  }
  if (patch.comment !== undefined) {
    const comments = JSON.parse(t.comments) as TicketComment[];
    comments.push({ at: now, by, by_partner_id: byPartnerId, text: patch.comment });
    set.comments = JSON.stringify(comments);
    changes.comment_added = true;
  }
  return { set, changes };
}

export class ResourceTickets {
  readonly #d: ResourceTicketsDeps;
  constructor(d: ResourceTicketsDeps) {
    this.#d = d;
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  async open(
    ctx: RequestContext,
    c: ResourceCaller,
    input: { subject: string; description: string; category?: repo.TicketRow['category']; priority?: repo.TicketRow['priority']; ban_id?: string },
    idempotencyKey: string | null = null,
  ) {
    const ban = input.ban_id ? await this.#d.resolveBan(c, input.ban_id) : null;
    if (!ban && c.bans !== null) {
      // Access limited to some accounts: a ticket must name one of them.
      throw E.ban_required(PD.accessCoversOnlySome, { fields: [{ pointer: '/body/ban_id', detail: 'is required' }] });
    }
    const target = (await this.#d.writes?.targetFor('tickets')) ?? null;
    let sent: { key: string; externalId: string | null } | null = null;
    if (target !== null) {
      // To the provider's system first; kept here (provisional) only once it took it. A retry with the
      // same Idempotency-Key answers the ticket already sent.
      const key = providerKey(c, idempotencyKey);
      const prior = await repo.findTicketByWriteKey(this.#d.db.kysely, c.tenantId, key);
      if (prior) return toTicketDto(prior, this.#now().toISOString());
      const category = input.category ?? 'technical';
      const priority = input.priority ?? 'normal';
      const body = { subject: input.subject, description: input.description, category, priority, ban: ban?.account_number ?? null };
      const ans = await this.#d.writes!.send(target, { method: 'POST', path: '/tickets', body, caller: c, requestId: ctx.requestId, idempotencyKey: key });
      sent = { key, externalId: ans.externalId };
    }
    const now = this.#now();
    const nowIso = now.toISOString();
    return mutate(this.#d.db, async (trx) => {
      const id = newId('tkt', now.getTime());
      const row: repo.TicketRow = {
        id,
        tenant_id: c.tenantId,
        ban_id: ban?.id ?? null,
        number: repo.ticketNumber(id),
        subject: input.subject,
        description: input.description,
        category: input.category ?? 'technical',
        priority: input.priority ?? 'normal',
        status: 'open',
        assignee: null,
        comments: '[]',
        opened_by_type: c.clientId ? 'app' : c.userId ? 'user' : 'system',
        opened_by_user_id: c.userId,
        opened_by_client_id: c.clientId,
        opened_by_partner_id: c.partnerId,
        delegation_id: c.delegationId,
        created_at: nowIso,
        updated_at: nowIso,
        resolved_at: null,
        ...(target && sent ? sentColumns(target, now) : NOT_SENT),
        write_key: sent?.key ?? null,
      };
      await repo.insertTicket(trx, row);
      if (target && sent) await this.#d.writes!.bind(trx, target, 'ticket', sent.externalId ?? sent.key, id, c.tenantId);
      const toProvider = target && sent ? { sent_to: target.routeName, external_id: sent.externalId } : {};
      await this.#d.audit(trx, ctx, c, 'ticket.opened', ban?.account_number ?? null, 'ticket', row.id, { number: row.number, priority: row.priority, category: row.category, delegation_id: c.delegationId, ...toProvider });
      return toTicketDto(row, nowIso);
    });
  }

  async update(
    ctx: RequestContext,
    c: ResourceCaller,
    id: string,
    patch: { status?: repo.TicketRow['status']; priority?: repo.TicketRow['priority']; assignee?: string | null; comment?: string; customerReply?: boolean },
    by: string,
    byPartnerId: string | null = null,
  ) {
    if (typeof patch.assignee === 'string' && isUserId(patch.assignee)) await this.#requireAssignable(c, id, patch.assignee);
    const sent = await this.#sendChange(ctx, c, id, patch, by, byPartnerId);
    return mutate(this.#d.db, async (trx) => {
      const t = await repo.findTicket(trx, callerScope(c), id);
      if (!t) throw E.ticket_not_found();
      const now = this.#now();
      const { set, changes } = planChange(t, patch, now.toISOString(), by, byPartnerId);
      if (Object.keys(changes).length === 0) return toTicketDto(t, now.toISOString());
      if (sent) {
        Object.assign(set, sentColumns(sent.target, now));
        await this.#d.writes!.bind(trx, sent.target, 'ticket', sent.externalId, id, t.tenant_id);
      }
      await repo.updateTicket(trx, id, set);
      await this.#d.audit(trx, ctx, c, 'ticket.updated', null, 'ticket', id, { number: t.number, ...changes, ...(sent ? { sent_to: sent.target.routeName } : {}) });
      return toTicketDto({ ...t, ...set }, now.toISOString());
    });
  }

  /**
   * A change to a ticket the provider's system owns (its tickets are routed there and its source
   * knows this one) is sent there first, once it is known to be allowed; answers the target, or null
   * when the ticket is changed here alone (the reference service, or a record of another source).
   */
  async #sendChange(ctx: RequestContext, c: ResourceCaller, id: string, patch: Patch, by: string, byPartnerId: string | null) {
    const target = (await this.#d.writes?.targetFor('tickets')) ?? null;
    if (target === null) return null;
    const externalId = await this.#d.writes!.externalIdOf(target, 'ticket', id);
    if (externalId === null) return null;
    const t = await repo.findTicket(this.#d.db.kysely, callerScope(c), id);
    if (!t) throw E.ticket_not_found();
    const { changes } = planChange(t, patch, this.#now().toISOString(), by, byPartnerId);
    if (Object.keys(changes).length === 0) return null;
    const s = changes.status as { to: string } | undefined;
    const body = { ...(s ? { status: s.to } : {}), ...(changes.priority ? { priority: patch.priority } : {}), ...(changes.assignee ? { assignee: patch.assignee } : {}), ...(patch.comment !== undefined ? { comment: patch.comment, by_customer: patch.customerReply === true } : {}) };
    await this.#d.writes!.send(target, { method: 'PATCH', path: `/tickets/${encodeURIComponent(externalId)}`, body, caller: c, requestId: ctx.requestId, idempotencyKey: providerKey(c, `${id}/${ctx.requestId}`) });
    return { target, externalId };
  }

  /**
   * An assignee that names a user must be an active member of the ticket's tenant or of the
   * partner acting on it (the caller's partner when a partner acts; when the tenant acts, a
   * partner with an active delegation on it — people.ts isActiveMemberOf): every door that changes a
   * ticket (the gateway, the partner API, the assign route) comes through here, so no one can
   * put another organization's person — whose name and e-mail the ticket's views would show — on
   * a ticket. Team labels that are not user ids stay free text. The memberships are read as the
   * system: a partner's context does not see the tenant's member list, and only a yes/no leaves.
   */
  async #requireAssignable(c: ResourceCaller, ticketId: string, userId: string): Promise<void> {
    const t = await repo.findTicket(this.#d.db.kysely, callerScope(c), ticketId);
    if (!t) throw E.ticket_not_found();
    if (t.assignee === userId) return; // unchanged: nothing is assigned
    if (await asSystem(() => isActiveMemberOf(this.#d.db.kysely, userId, { tenantId: t.tenant_id, partnerId: c.partnerId }))) return;
    throw E.assignee_not_member(
      c.partnerId ? 'Assign the ticket to an active member of the customer or of your organization, or to a team label.' : 'Assign the ticket to an active member of your organization or of a partner acting for you, or to a team label.',
      { fields: [{ pointer: '/body/assignee', detail: 'is not an active member of the customer or of the partner acting on it' }] },
    );
  }
}
