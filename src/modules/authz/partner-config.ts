/**
 * The partner configuration manager: one JSON document per partner, a section
 * per concern, each section with its own schema. Its schema and types live with the decision engine, which enforces it;
 * the partners module owns writing it. The document rides on the partner row
 * (partners.config), so a change reaches every instance's decision snapshot through the change feed's
 * `partner` entry — the same path a suspension takes — and is enforced on the next request.
 *
 * Sections (each optional; absent means "the platform's defaults"):
 *  - features: feature key → on/off for this partner, over the feature catalog's default
 *  - roles:    which partner member roles and which delegation roles this partner may use
 *  - session:  idle/absolute timeouts and concurrent sessions for its members (never looser than the platform's)
 *  - limits:   per-minute limits per route class, daily and monthly request quotas
 *  - api:      which upstream route classes it may call, and an IP allow-list for its tokens and sessions
 *
 * Every change is a new version (partner_config_versions: who, when, the section before/after, the diff).
 */
import type { Static } from 'typebox';
import { Type } from '../../platform/http/schemas.ts';

const FeatureKey = Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$', description: 'a key of the feature catalog' });
const RoleName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$' });
const RouteClass = Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' });
const Minutes = (max: number) => Type.Integer({ minimum: 1, maximum: max });

export const CONFIG_SECTION_SCHEMAS = {
  features: Type.Record(FeatureKey, Type.Boolean(), { maxProperties: 200, description: 'feature key → on (true) or off (false) for this partner' }),
  roles: Type.Object(
    {
      member_roles: Type.Optional(Type.Array(RoleName, { maxItems: 50, uniqueItems: true, description: 'member roles the partner may assign; absent: all' })),
      delegation_roles: Type.Optional(Type.Array(RoleName, { maxItems: 100, uniqueItems: true, description: 'delegation roles the partner may request; absent: all' })),
    },
    { additionalProperties: false },
  ),
  session: Type.Object(
    {
      idle_minutes: Type.Optional(Minutes(60 * 24 * 30)),
      absolute_minutes: Type.Optional(Minutes(60 * 24 * 90)),
      max_sessions: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    },
    { additionalProperties: false },
  ),
  limits: Type.Object(
    {
      per_minute: Type.Optional(Type.Record(RouteClass, Type.Integer({ minimum: 1, maximum: 1_000_000 }), { maxProperties: 50 })),
      daily_quota: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), Type.Null()])),
      monthly_quota: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 30_000_000_000 }), Type.Null()])),
    },
    { additionalProperties: false },
  ),
  api: Type.Object(
    {
      route_classes: Type.Optional(Type.Union([Type.Array(RouteClass, { maxItems: 100, uniqueItems: true }), Type.Null()], { description: 'upstream route classes allowed; null or absent: all' })),
      ip_allow: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 64 }), { maxItems: 200, description: 'CIDRs its tokens and sessions may come from; empty: anywhere' })),
    },
    { additionalProperties: false },
  ),
} as const;

export type ConfigSection = keyof typeof CONFIG_SECTION_SCHEMAS;
export const CONFIG_SECTIONS = Object.keys(CONFIG_SECTION_SCHEMAS) as ConfigSection[];
export type PartnerConfig = { [K in ConfigSection]?: Static<(typeof CONFIG_SECTION_SCHEMAS)[K]> };

export function parsePartnerConfig(text: string | null | undefined): PartnerConfig {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as PartnerConfig) : {};
  } catch {
    return {};
  }
}

export interface ConfigChange {
  /** a dotted path inside the section, e.g. `per_minute.gateway` or `features.pdf_export` */
  path: string;
  from: unknown;
  to: unknown;
}

/** Field-level differences between two JSON values (objects compared key by key; arrays and scalars whole). */
export function diffConfig(before: unknown, after: unknown, prefix = ''): ConfigChange[] {
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  // a section (or object) added or removed reads field by field: `features.exports.pdf: — → on`
  if (before == null && isObj(after)) before = {};
  if (after == null && isObj(before)) after = {};
  if (isObj(before) && isObj(after)) {
    const out: ConfigChange[] = [];
    for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      out.push(...diffConfig(before[k], after[k], prefix ? `${prefix}.${k}` : k));
    }
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: prefix, from: before ?? null, to: after ?? null }];
}
