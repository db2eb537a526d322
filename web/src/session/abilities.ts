/**
 * What the signed-in person may do in the MSP workspace, learnt once from GET /api/v1/me: the
 * customer work the partner API admits them to (`partner.member_permissions` — the same
 * member-role check the server's admission takes). Pages, buttons and the navigation follow it,
 * so a view that would be refused is not offered; the server still decides every request.
 */
import type { MessageDescriptor } from 'react-intl';
import { defineMessage } from '../i18n/define.ts';
import type { Me } from '../api/types.ts';
import type { Rule } from './access.ts';
import { useSession } from './SessionContext.tsx';

/** The MSP views and what each needs (any one of the permissions listed). */
export const MSP_VIEWS = {
  invoices: { label: defineMessage({ id: 'msp.view.invoices', defaultMessage: 'invoices and receivables' }), needs: ['billing.invoices.read'] },
  receivables: { label: defineMessage({ id: 'msp.view.receivables', defaultMessage: 'receivables and overdue amounts' }), needs: ['billing.summary.read'] },
  exportInvoices: { label: defineMessage({ id: 'msp.view.export_invoices', defaultMessage: 'exporting invoices' }), needs: ['billing.invoices.export'] },
  tickets: { label: defineMessage({ id: 'msp.view.tickets', defaultMessage: 'support tickets' }), needs: ['support.tickets.read'] },
  openTicket: { label: defineMessage({ id: 'msp.view.open_ticket', defaultMessage: 'opening tickets' }), needs: ['support.tickets.create'] },
  reports: { label: defineMessage({ id: 'msp.view.reports', defaultMessage: 'usage and SLA reports' }), needs: ['reports.usage.read', 'reports.sla.read'] },
  usage: { label: defineMessage({ id: 'msp.view.usage', defaultMessage: 'usage reports' }), needs: ['reports.usage.read'] },
  sla: { label: defineMessage({ id: 'msp.view.sla', defaultMessage: 'SLA reports' }), needs: ['reports.sla.read'] },
  alerts: { label: defineMessage({ id: 'msp.view.alerts', defaultMessage: 'alerts' }), needs: ['alerts.sla.read', 'alerts.billing.read'] },
  manageAlerts: { label: defineMessage({ id: 'msp.view.manage_alerts', defaultMessage: 'acknowledging and resolving alerts' }), needs: ['alerts.manage'] },
} as const satisfies Record<string, { label: MessageDescriptor; needs: readonly string[] }>;

export type MspView = keyof typeof MSP_VIEWS;

export interface Abilities {
  /** the person's member role does customer work that includes `permission` */
  may(permission: string): boolean;
  /** the person may use this MSP view (any one of its permissions) */
  mayUse(view: MspView): boolean;
}

/** The abilities of a /me answer (null: nobody signed in — nothing allowed). */
export function abilitiesOf(me: Me | null | undefined): Abilities {
  const granted = new Set(me?.partner?.member_permissions ?? []);
  const may = (permission: string) => granted.has(permission);
  return { may, mayUse: (view) => MSP_VIEWS[view].needs.some(may) };
}

/** The signed-in person's abilities in the MSP workspace (from the one /me the session holds). */
export function useAbilities(): Abilities {
  return abilitiesOf(useSession().me);
}

/** For the navigation table: the person may use this MSP view. */
export function mspMayUse(view: MspView): Rule {
  return (s) => abilitiesOf(s.me).mayUse(view);
}
