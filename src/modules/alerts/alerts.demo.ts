/**
 * Demo world, the MSP workspace: Fabrikam MSP's people with different member roles — Owen
 * (owner) and Stella full, Bella billing, Sam support, Aude auditor — the commitments of its link
 * with Acme Fiber (99.95 % availability, e-mail to Owen, a 20,000.00 threshold), a ticket Sam
 * opened for Acme and commented on, and the alerts a first evaluation opens. Idempotent.
 */
import { createHmac } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { mutate } from '../../platform/db/database.ts';
import type { DemoStep } from '../../platform/demo-step.ts';
import type { IdentityService } from '../identity/index.ts';
import type { PartnersService } from '../partners/index.ts';
import type { AuthzService } from '../authz/index.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import { watchDemoQueries, type ResourcesService } from '../resources/index.ts';
import { delegationViews } from '../delegations/index.ts';
import type { AlertsService } from './alerts.service.ts';

export interface AlertsDemoDeps {
  db: Db;
  clock: Clock;
  config: { secretKey: string };
  identity: Pick<IdentityService, 'findUserByEmail' | 'createUser'>;
  partners: Pick<PartnersService, 'findBySlug' | 'addMember' | 'setMemberRole'>;
  authz: Pick<AuthzService, 'memberAccess'>;
  feed: Pick<ChangeFeed, 'kick' | 'drain'>;
  resources: Pick<ResourcesService, 'openTicket' | 'updateTicket' | 'list'>;
  alerts: Pick<AlertsService, 'setCommitments' | 'evaluate' | 'commitments'>;
}

/** The same demo password as the demo world's (src/demo/demo.seed.ts demoPassword). */
const password = (secret: string, email: string) => 'demo-' + createHmac('sha256', secret).update('demo-password:' + email).digest('base64url').slice(0, 12);

const MEMBERS = [
  { local: 'owen', name: null, role: 'partner_msp_full' },
  { local: 'stella', name: null, role: 'partner_msp_full' },
  { local: 'bella', name: 'Bella Fabrikam', role: 'partner_msp_billing' },
  { local: 'sam', name: 'Sam Fabrikam', role: 'partner_msp_support' },
  { local: 'aude', name: 'Aude Fabrikam', role: 'partner_auditor' },
] as const;

export const seedDemoMspWorkspace: DemoStep<AlertsDemoDeps> = async (s, world, ctx) => {
  const fabrikam = await s.partners.findBySlug('fabrikam-msp');
  if (!fabrikam) return;
  const out: { email: string; password: string; member_role: string }[] = [];
  const ids = new Map<string, string>();
  for (const m of MEMBERS) {
    const email = `${m.local}@fabrikam.demo`;
    const pw = password(s.config.secretKey, email);
    let u = await s.identity.findUserByEmail(email);
    if (!u && m.name) {
      const name = m.name;
      await mutate(s.db, async (trx) => {
        const uid = await s.identity.createUser(trx, { email, name, password: pw });
        await s.partners.addMember(trx, { scopeId: fabrikam.id, userId: uid, role: 'PARTNER_STAFF', invitedBy: null, invitationId: null }, ctx);
      });
      u = await s.identity.findUserByEmail(email);
    }
    if (!u) continue;
    ids.set(m.local, u.id);
    await s.partners.setMemberRole(ctx, fabrikam.id, u.id, m.role);
    out.push({ email, password: pw, member_role: m.role });
  }
  await s.feed.kick();
  await s.feed.drain();
  world.msp_members = out;

  const acme = world.tenants.find((t) => t.slug === 'acme-fiber');
  const owen = ids.get('owen');
  const sam = ids.get('sam');
  if (!acme || !owen || !sam) return;
  const access = s.authz.memberAccess(sam, fabrikam.id, acme.id, 'support.tickets.create');
  if (!access.allow || !access.delegationId) return;
  const current = await s.alerts.commitments(access.delegationId);
  if (current.updated_at === null) {
    await s.alerts.setCommitments(
      ctx,
      access.delegationId,
      {
        sla: { availability_pct: 99.95, response_minutes: { low: 1440, normal: 240, high: 60, urgent: 15 }, resolution_minutes: { low: 10080, normal: 1440, high: 480, urgent: 240 } },
        alerts: { sla_breach: true, receivables_threshold: true, invoice_overdue: true, recipients: ['owen@fabrikam.demo'], channels: ['in_app', 'email'] },
        billing_threshold: { amount_cents: 2_000_000, currency: 'USD' },
      },
      { userId: owen, side: 'partner' },
    );
  }
  const scope = [{ tenantId: acme.id, bans: access.bans }];
  const existing = await s.resources.list('tickets', scope, { q: 'Packet loss on the Springfield uplink', limit: 1 });
  if (existing.total === 0) {
    const caller = { tenantId: acme.id, bans: access.bans, partnerId: fabrikam.id, userId: sam, clientId: null, delegationId: access.delegationId, persona: 'msp', billTo: null };
    const t = await s.resources.openTicket(ctx, caller, { subject: 'Packet loss on the Springfield uplink', description: 'Our monitoring shows 3–5 % packet loss on the Springfield uplink since 08:40. We opened this on your behalf and are investigating with the carrier.', priority: 'high', category: 'technical', ban_id: acme.bans[0]?.id });
    await s.resources.updateTicket(ctx, caller, t.id, { status: 'in_progress', assignee: sam, comment: 'Carrier ticket opened (ref. CX-88412). Next update by 14:00.' }, sam, fabrikam.id);
  }
  await ensureSomethingToWatch(s, fabrikam.id);
  const r = await s.alerts.evaluate(ctx);
  world.msp_alerts = { links_evaluated: r.links };
};

/**
 * The dashboard and the alerts inbox need something to show: among Fabrikam's customers, at least
 * one month below its SLA target in the last three and at least one overdue invoice. The resource
 * data is random per tenant; when it happens to have neither, the newest SLA record (or the
 * invoice of two months ago) of the first customer by name becomes one. Idempotent.
 */
async function ensureSomethingToWatch(s: AlertsDemoDeps, partnerId: string): Promise<void> {
  const db = s.db.kysely;
  const tenantIds = await delegationViews.activeLinkTenantsByName(db, partnerId);
  if (tenantIds.length === 0) return;
  const now = s.clock.now();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1)).toISOString().slice(0, 7);
  await watchDemoQueries.ensureBreachedSla(db, tenantIds, from);
  await watchDemoQueries.ensureOverdueInvoice(db, tenantIds, from);
}
