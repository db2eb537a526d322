/**
 * A configuration change in plain words, for its history: "Idle timeout: 30 → 15 minutes",
 * "PDF invoice export: platform default → on" — never the document's JSON.
 */
import { MEMBER_ROLE_LABELS } from '../../../api/features.ts';

const LABELS: Record<string, { label: string; unit?: string }> = {
  'roles.member_roles': { label: 'Member roles the owner may assign' },
  'roles.delegation_roles': { label: 'Delegation roles the partner may request' },
  'session.idle_minutes': { label: 'Idle timeout', unit: 'minutes' },
  'session.absolute_minutes': { label: 'Longest session', unit: 'minutes' },
  'session.max_sessions': { label: 'Sessions at once per person' },
  'limits.daily_quota': { label: 'Daily request quota', unit: 'requests' },
  'limits.monthly_quota': { label: 'Monthly request quota', unit: 'requests' },
  'api.route_classes': { label: 'API areas the partner may call' },
  'api.ip_allow': { label: 'Allowed networks' },
};

const SECTION_NAMES: Record<string, string> = { features: 'Features', roles: 'Roles', session: 'Session policy', limits: 'Limits & quotas', api: 'API access' };
export const sectionName = (s: string) => SECTION_NAMES[s] ?? s;

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

function value(v: unknown, unit: string | undefined, field: string, roles?: Map<string, string>): string {
  if (v === null || v === undefined) return field.endsWith('_roles') ? 'all' : 'platform default';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'number') return `${v.toLocaleString('en')}${unit ? ` ${unit}` : ''}`;
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map((x) => MEMBER_ROLE_LABELS[String(x)] ?? roles?.get(String(x)) ?? String(x)).join(', ');
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${humanize(k)} ${value(x, unit, k, roles)}`).join(', ') || 'none';
  return String(v);
}

export function describeChange(section: string, c: { path: string; from: unknown; to: unknown }, names: Names): string {
  const full = c.path ? `${section}.${c.path}` : section;
  if (section === 'features') {
    const name = names.features.get(c.path) ?? c.path;
    return `${name}: ${value(c.from, undefined, c.path)} → ${value(c.to, undefined, c.path)}`;
  }
  if (section === 'limits' && c.path.startsWith('per_minute.')) {
    const cls = c.path.slice('per_minute.'.length);
    return `Requests per minute (${cls.replace(/_/g, ' ')}): ${value(c.from, undefined, cls)} → ${value(c.to, undefined, cls)}`;
  }
  const spec = LABELS[full];
  const label = spec?.label ?? (c.path ? humanize(c.path) : sectionName(section));
  return `${label}: ${value(c.from, spec?.unit, c.path, names.roles)} → ${value(c.to, spec?.unit, c.path, names.roles)}`;
}
