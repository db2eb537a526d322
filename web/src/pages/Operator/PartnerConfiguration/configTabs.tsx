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

export interface ConfigTab {
  value: string;
  label: string;
  icon: ReactNode;
  render: (partner: PartnerDto, onSaved: (p: PartnerDto) => void) => ReactNode;
}

export const CONFIG_TABS: ConfigTab[] = [
  { value: 'access', label: 'What it may do', icon: <IconChecklist size={16} />, render: (p, onSaved) => <AccessTab partner={p} onSaved={onSaved} /> },
  { value: 'features', label: 'Features', icon: <IconFlag size={16} />, render: (p) => <FeaturesTab partnerId={p.id} /> },
  { value: 'plans', label: 'Plans it may offer', icon: <IconReceipt size={16} />, render: (p) => <PartnerPlans partner={p} /> },
  { value: 'roles', label: 'Roles', icon: <IconUserShield size={16} />, render: (p) => <RolesTab partnerId={p.id} /> },
  { value: 'limits', label: 'Limits and usage', icon: <IconGauge size={16} />, render: (p) => <LimitsTab partnerId={p.id} /> },
  { value: 'api', label: 'API access and addresses', icon: <IconShieldLock size={16} />, render: (p) => <ApiAccessTab partnerId={p.id} /> },
  { value: 'security', label: 'Sign-in security', icon: <IconClockHour4 size={16} />, render: (p) => <SecurityTab partnerId={p.id} partnerName={p.name} /> },
  { value: 'history', label: 'History', icon: <IconHistory size={16} />, render: (p) => <HistoryTab partnerId={p.id} /> },
];
