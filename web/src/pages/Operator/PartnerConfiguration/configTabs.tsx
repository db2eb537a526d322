/**
 * Everything an operator configures for one partner, in one place, one tab per concern: what it
 * may do (kinds of work and permissions in sentences), the catalog's features, the plans it may
 * offer, roles, limits and usage, API access and its address allow-list, sign-in security (two-step
 * verification and sessions), and the history of every change.
 */
import type { ReactNode } from 'react';
import { IconChecklist, IconClockHour4, IconFlag, IconGauge, IconHistory, IconReceipt, IconShieldLock, IconUserShield } from '@tabler/icons-react';
import type { PartnerDto } from '../../../api/index.ts';
import { PartnerPlans } from './PlansTab.tsx';
import { AccessTab } from './AccessTab.tsx';
import { ApiAccessTab } from './ApiAccessTab.tsx';
import { FeaturesTab } from './FeaturesTab.tsx';
import { HistoryTab } from './HistoryTab.tsx';
import { LimitsTab } from './LimitsTab.tsx';
import { RolesTab } from './RolesTab.tsx';
import { SecurityTab } from './SecurityTab.tsx';
import { defineMessages, type Message } from '../../../i18n/define.ts';

const m = defineMessages({
  access: { id: 'operator.partner_config.tab.access', defaultMessage: 'What it may do' },
  features: { id: 'operator.partner_config.tab.features', defaultMessage: 'Features' },
  plans: { id: 'operator.partner_config.tab.plans', defaultMessage: 'Plans it may offer' },
  roles: { id: 'operator.partner_config.tab.roles', defaultMessage: 'Roles' },
  limits: { id: 'operator.partner_config.tab.limits', defaultMessage: 'Limits and usage' },
  api: { id: 'operator.partner_config.tab.api', defaultMessage: 'API access and addresses' },
  security: { id: 'operator.partner_config.tab.security', defaultMessage: 'Sign-in security' },
  history: { id: 'operator.partner_config.tab.history', defaultMessage: 'History' },
});

export interface ConfigTab {
  value: string;
  label: Message;
  icon: ReactNode;
  render: (partner: PartnerDto, onSaved: (p: PartnerDto) => void) => ReactNode;
}

export const CONFIG_TABS: ConfigTab[] = [
  { value: 'access', label: m.access, icon: <IconChecklist size={16} />, render: (p, onSaved) => <AccessTab partner={p} onSaved={onSaved} /> },
  { value: 'features', label: m.features, icon: <IconFlag size={16} />, render: (p) => <FeaturesTab partnerId={p.id} /> },
  { value: 'plans', label: m.plans, icon: <IconReceipt size={16} />, render: (p) => <PartnerPlans partner={p} /> },
  { value: 'roles', label: m.roles, icon: <IconUserShield size={16} />, render: (p) => <RolesTab partnerId={p.id} /> },
  { value: 'limits', label: m.limits, icon: <IconGauge size={16} />, render: (p) => <LimitsTab partnerId={p.id} /> },
  { value: 'api', label: m.api, icon: <IconShieldLock size={16} />, render: (p) => <ApiAccessTab partnerId={p.id} /> },
  { value: 'security', label: m.security, icon: <IconClockHour4 size={16} />, render: (p) => <SecurityTab partnerId={p.id} partnerName={p.name} /> },
  { value: 'history', label: m.history, icon: <IconHistory size={16} />, render: (p) => <HistoryTab partnerId={p.id} /> },
];
