/**
 * The inner tabs of an operator's partner "Configuration" tab, one entry per concern:
 * features, roles, sessions, limits and usage, API access, and the history of every change.
 */
import type { ReactNode } from 'react';
import { IconClockHour4, IconFlag, IconGauge, IconHistory, IconShieldLock, IconUserShield } from '@tabler/icons-react';
import { ApiAccessTab } from './ApiAccessTab.tsx';
import { FeaturesTab } from './FeaturesTab.tsx';
import { HistoryTab } from './HistoryTab.tsx';
import { LimitsTab } from './LimitsTab.tsx';
import { RolesTab } from './RolesTab.tsx';
import { SessionPolicyTab } from './SessionPolicyTab.tsx';

export interface ConfigTab {
  value: string;
  label: string;
  icon: ReactNode;
  render: (partnerId: string) => ReactNode;
}

export const CONFIG_TABS: ConfigTab[] = [
  { value: 'features', label: 'Features', icon: <IconFlag size={16} />, render: (id) => <FeaturesTab partnerId={id} /> },
  { value: 'roles', label: 'Roles', icon: <IconUserShield size={16} />, render: (id) => <RolesTab partnerId={id} /> },
  { value: 'session', label: 'Sessions', icon: <IconClockHour4 size={16} />, render: (id) => <SessionPolicyTab partnerId={id} /> },
  { value: 'limits', label: 'Limits and usage', icon: <IconGauge size={16} />, render: (id) => <LimitsTab partnerId={id} /> },
  { value: 'api', label: 'API access', icon: <IconShieldLock size={16} />, render: (id) => <ApiAccessTab partnerId={id} /> },
  { value: 'history', label: 'History', icon: <IconHistory size={16} />, render: (id) => <HistoryTab partnerId={id} /> },
];
