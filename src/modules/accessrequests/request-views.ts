/**
 * Access requests as people read them: the parties' and people's names, the billing accounts by
 * number, the permissions as sentences, who has approved so far (on the tenant's side only), and
 * the whole request as one sentence ("Acme Support asks to read invoices … because …").
 */
import type { Executor } from '../../platform/db/database.ts';
import { identityQueries } from '../identity/index.ts';
import { partnerQueries } from '../partners/index.ts';
import { tenantQueries } from '../tenants/index.ts';
import { requestSentence } from './approval-rules.ts';
import * as repo from './accessrequests.repo.ts';
import type { AccessTemplates } from './templates.ts';

export type Side = 'tenant' | 'partner';

export async function requestViews(db: Executor, templates: AccessTemplates, rows: readonly repo.RequestRow[], side: Side) {
  const partnerNames = new Map<string, string>();
  for (const id of new Set(rows.map((r) => r.partner_id))) partnerNames.set(id, (await partnerQueries.findPartnerById(db, id))?.name ?? 'A partner');
  const tenantNames = await tenantQueries.findTenantNames(db, [...new Set(rows.map((r) => r.tenant_id))]);
  const approvals = side === 'tenant' ? await repo.listApprovals(db, rows.map((r) => r.id)) : [];
  const people = await identityQueries.findUserNames(db, [...rows.flatMap((r) => [r.requested_by, r.decided_by]), ...approvals.map((a) => a.user_id)]);
  return rows.map((r) => {
    const grants = JSON.parse(r.grants) as string[];
    const permissions = templates.permissionsOf(r.role, grants);
    const numbers = r.ban_numbers ? (JSON.parse(r.ban_numbers) as string[]) : null;
    const partnerName = partnerNames.get(r.partner_id) ?? 'A partner';
    const mine = approvals.filter((a) => a.request_id === r.id);
    return {
      id: r.id,
      tenant: { id: r.tenant_id, name: tenantNames.get(r.tenant_id) ?? null },
      partner: { id: r.partner_id, name: partnerName },
      template: { id: r.template_id, name: r.template_name },
      role: r.role,
      role_name: templates.roleName(r.role),
      grants,
      permissions,
      ban_ids: r.ban_ids ? (JSON.parse(r.ban_ids) as string[]) : null,
      ban_numbers: numbers,
      duration_days: r.duration_days,
      justification: r.justification,
      sentence: requestSentence({ partnerName, phrases: permissions.map((p) => p.sentence), accountNumbers: numbers, days: r.duration_days, justification: r.justification }),
      status: r.status,
      approvals_required: r.approvals_required,
      approvals: mine.map((a) => ({ user_id: a.user_id, name: people.get(a.user_id) ?? null, approved_at: a.approved_at })),
      requested_by: { id: r.requested_by, name: people.get(r.requested_by) ?? null },
      requested_at: r.requested_at,
      expires_at: r.expires_at,
      decided_by: r.decided_by ? { id: r.decided_by, name: people.get(r.decided_by) ?? null } : null,
      decided_at: r.decided_at,
      decision_reason: r.decision_reason,
      delegation_id: r.delegation_id,
    };
  });
}
