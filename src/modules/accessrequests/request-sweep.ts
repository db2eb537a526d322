/**
 * The scheduled side of access requests (every instance may run it; the state is in the table):
 *  - expiry: a request still pending at its expires_at is marked expired — a compare-and-set from
 *    pending, so of two instances one expires and audits it;
 *  - reminders: once per request, at its remind_at, every tenant admin who may still answer it
 *    (not the requester, not one who approved already) is e-mailed, through the notifications
 *    module's e-mail queue in the same transaction as the mark that it was sent.
 */
import { mutate } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import { tenantQueries } from '../tenants/index.ts';
import * as repo from './accessrequests.repo.ts';
import type { AccessRequestsDeps } from './accessrequests.types.ts';
import { requestViews } from './request-views.ts';
import type { AccessTemplates } from './templates.ts';

export class AccessRequestSweep {
  readonly #d: AccessRequestsDeps;
  readonly #templates: AccessTemplates;
  #timer: NodeJS.Timeout | null = null;
  constructor(d: AccessRequestsDeps, templates: AccessTemplates) {
    this.#d = d;
    this.#templates = templates;
  }

  /** Every intervalMs (0: never; tests call runOnce with their own clock). */
  start(intervalMs: number): void {
    if (intervalMs > 0) this.#timer ??= setInterval(() => void this.runOnce().catch((e) => this.#d.onError?.(e)), intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer ?? undefined);
    this.#timer = null;
  }

  /** One pass, as the system: reminders first (a request reminded and expired in one pass is told of both), then expiry. */
  runOnce(): Promise<{ reminded: number; expired: number }> {
    const ctx = systemContext('access-request-sweep');
    return asSystem(async () => ({ reminded: await this.sendReminders(ctx), expired: await this.expireLapsed(ctx) }));
  }

  async expireLapsed(ctx: RequestContext, limit = 500): Promise<number> {
    const nowIso = this.#d.clock.now().toISOString();
    let n = 0;
    for (const r of await repo.listLapsed(this.#d.db.kysely, nowIso, limit)) {
      const done = await mutate(this.#d.db, async (trx) => {
        if ((await repo.closeRequest(trx, r.id, { status: 'expired', decided_at: nowIso, updated_at: nowIso })) !== 1) return false;
        await this.#d.audit.record(trx, ctx, { action: 'access_request.expired', tenantId: r.tenant_id, partnerId: r.partner_id, targetType: 'access_request', targetId: r.id, details: { template: r.template_name, expires_at: r.expires_at } });
        return true;
      });
      if (done) n++;
    }
    return n;
  }

  async sendReminders(ctx: RequestContext, limit = 200): Promise<number> {
    const nowIso = this.#d.clock.now().toISOString();
    let n = 0;
    for (const r of await repo.listDueReminders(this.#d.db.kysely, nowIso, limit)) {
      const sent = await mutate(this.#d.db, async (trx) => {
        if (!(await repo.markReminded(trx, r.id, nowIso))) return 0;
        const [view] = await requestViews(trx, this.#templates, [r], 'tenant');
        const approved = new Set(view.approvals.map((a) => a.user_id));
        const admins = (await tenantQueries.listMembers(trx, r.tenant_id)).filter((m) => m.role === 'TENANT_ADMIN' && m.status === 'active' && m.user_id !== r.requested_by && !approved.has(m.user_id));
        const left = r.approvals_required - approved.size;
        const text = {
          title: `Reminder: ${view.partner.name} is waiting for your answer`,
          body: `${view.sentence} The request expires on ${new Date(r.expires_at).toUTCString()} unless ${left === 1 ? 'an admin approves' : `${left} admins approve`} or rejects it before.`,
          link: `/tenant/${r.tenant_id}/access-requests`,
        };
        for (const a of admins) await this.#d.mail.queueNotice(trx, 'access_request.reminder', { email: a.email, name: a.name }, text);
        await this.#d.audit.record(trx, ctx, { action: 'access_request.reminder_sent', tenantId: r.tenant_id, partnerId: r.partner_id, targetType: 'access_request', targetId: r.id, details: { template: r.template_name, recipients: admins.length, expires_at: r.expires_at } });
        return 1;
      });
      n += sent;
    }
    return n;
  }
}
