/**
 * A configuration change in plain words, for its history: "Idle timeout: 30 → 15 minutes",
 * "PDF invoice export: platform default → on" — never the document's JSON.
 */
import type { IntlShape } from 'react-intl';
import { builtinRoleName } from '../../../components/roleNames.ts';
import { defineMessages, type Message } from '../../../i18n/define.ts';

const FIELD = defineMessages({
  member_roles: { id: 'operator.partner_config.history.field.member_roles', defaultMessage: 'Member roles the owner may assign' },
  delegation_roles: { id: 'operator.partner_config.history.field.delegation_roles', defaultMessage: 'Delegation roles the partner may request' },
  idle_minutes: { id: 'operator.partner_config.history.field.idle_minutes', defaultMessage: 'Idle timeout' },
  absolute_minutes: { id: 'operator.partner_config.history.field.absolute_minutes', defaultMessage: 'Longest session' },
  max_sessions: { id: 'operator.partner_config.history.field.max_sessions', defaultMessage: 'Sessions at once per person' },
  daily_quota: { id: 'operator.partner_config.history.field.daily_quota', defaultMessage: 'Daily request quota' },
  monthly_quota: { id: 'operator.partner_config.history.field.monthly_quota', defaultMessage: 'Monthly request quota' },
  route_classes: { id: 'operator.partner_config.history.field.route_classes', defaultMessage: 'API areas the partner may call' },
  ip_allow: { id: 'operator.partner_config.history.field.ip_allow', defaultMessage: 'Allowed networks' },
});

const LABELS: Record<string, { label: Message; unit?: 'minutes' | 'requests' }> = {
  'roles.member_roles': { label: FIELD.member_roles },
  'roles.delegation_roles': { label: FIELD.delegation_roles },
  'session.idle_minutes': { label: FIELD.idle_minutes, unit: 'minutes' },
  'session.absolute_minutes': { label: FIELD.absolute_minutes, unit: 'minutes' },
  'session.max_sessions': { label: FIELD.max_sessions },
  'limits.daily_quota': { label: FIELD.daily_quota, unit: 'requests' },
  'limits.monthly_quota': { label: FIELD.monthly_quota, unit: 'requests' },
  'api.route_classes': { label: FIELD.route_classes },
  'api.ip_allow': { label: FIELD.ip_allow },
};

const SECTION_NAMES: Record<string, Message> = defineMessages({
  features: { id: 'operator.partner_config.history.section.features', defaultMessage: 'Features' },
  roles: { id: 'operator.partner_config.history.section.roles', defaultMessage: 'Roles' },
  session: { id: 'operator.partner_config.history.section.session', defaultMessage: 'Session policy' },
  limits: { id: 'operator.partner_config.history.section.limits', defaultMessage: 'Limits & quotas' },
  api: { id: 'operator.partner_config.history.section.api', defaultMessage: 'API access' },
});
export const sectionName = (intl: IntlShape, s: string) => (SECTION_NAMES[s] ? intl.formatMessage(SECTION_NAMES[s]) : s);

const m = defineMessages({
  all: { id: 'operator.partner_config.history.value.all', defaultMessage: 'all' },
  platformDefault: { id: 'operator.partner_config.history.value.platform_default', defaultMessage: 'platform default' },
  on: { id: 'operator.partner_config.history.value.on', defaultMessage: 'on' },
  off: { id: 'operator.partner_config.history.value.off', defaultMessage: 'off' },
  none: { id: 'operator.partner_config.history.value.none', defaultMessage: 'none' },
  amount: {
    id: 'operator.partner_config.history.value.amount',
    defaultMessage: '{unit, select, minutes {{count, plural, one {# minute} other {# minutes}}} requests {{count, plural, one {# request} other {# requests}}} other {{count, number}}}',
  },
  change: { id: 'operator.partner_config.history.change', defaultMessage: '{label}: {from} → {to}' },
  perMinute: { id: 'operator.partner_config.history.per_minute', defaultMessage: 'Requests per minute ({kind}): {from} → {to}' },
});

function humanize(path: string): string {
  const last = path.split('.').pop() ?? path;
  const words = last.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface Names {
  features: Map<string, string>;
  /** role id → its name (delegation roles from the catalog; member roles are known here) */
  roles: Map<string, string>;
}

function value(intl: IntlShape, v: unknown, unit: string | undefined, field: string, roles?: Map<string, string>): string {
  if (v === null || v === undefined) return intl.formatMessage(field.endsWith('_roles') ? m.all : m.platformDefault);
  if (typeof v === 'boolean') return intl.formatMessage(v ? m.on : m.off);
  if (typeof v === 'number') return intl.formatMessage(m.amount, { unit: unit ?? 'none', count: v });
  if (Array.isArray(v)) return v.length === 0 ? intl.formatMessage(m.none) : v.map((x) => builtinRoleName(intl, String(x)) ?? roles?.get(String(x)) ?? String(x)).join(', ');
  if (typeof v === 'object')
    return (
      Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${humanize(k)} ${value(intl, x, unit, k, roles)}`)
        .join(', ') || intl.formatMessage(m.none)
    );
  return String(v);
}

export function describeChange(intl: IntlShape, section: string, c: { path: string; from: unknown; to: unknown }, names: Names): string {
  const full = c.path ? `${section}.${c.path}` : section;
  if (section === 'features') {
    const name = names.features.get(c.path) ?? c.path;
    return intl.formatMessage(m.change, { label: name, from: value(intl, c.from, undefined, c.path), to: value(intl, c.to, undefined, c.path) });
  }
  if (section === 'limits' && c.path.startsWith('per_minute.')) {
    const cls = c.path.slice('per_minute.'.length);
    return intl.formatMessage(m.perMinute, { kind: cls.replace(/_/g, ' '), from: value(intl, c.from, undefined, cls), to: value(intl, c.to, undefined, cls) });
  }
  const spec = LABELS[full];
  const label = spec ? intl.formatMessage(spec.label) : c.path ? humanize(c.path) : sectionName(intl, section);
  return intl.formatMessage(m.change, { label, from: value(intl, c.from, spec?.unit, c.path, names.roles), to: value(intl, c.to, spec?.unit, c.path, names.roles) });
}
