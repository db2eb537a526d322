/**
 * The platform's feature catalog in the decision snapshot: each feature's default and
 * lifecycle, so gated code asks `snapshot.featureEnabled(partnerId, key)` — the catalog default
 * overlaid by the partner's configuration `features` section — without a database read. The
 * partners module writes the catalog and records a change-feed entry of kind `feature` keyed by
 * the feature key; every instance re-reads that row.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { PartnerConfig } from './partner-config.ts';

export const FEATURE_ENTITY = 'feature';
export const FEATURE_LIFECYCLES = ['beta', 'general', 'retired'] as const;
export type FeatureLifecycle = (typeof FEATURE_LIFECYCLES)[number];

export interface SnapFeature {
  readonly key: string;
  readonly defaultOn: boolean;
  readonly lifecycle: FeatureLifecycle;
  readonly optIn: boolean;
}

/**
 * The effective value of a feature for a partner: unknown or retired → off; otherwise the partner's
 * own switch when it has one, else the catalog default. Pure: the catalog entry and the partner's
 * configuration are the inputs.
 */
export function effectiveFeature(f: SnapFeature | undefined, config: PartnerConfig | undefined): boolean {
  if (f === undefined || f.lifecycle === 'retired') return false;
  const own = config?.features?.[f.key];
  return own === undefined ? f.defaultOn : own;
}

export class FeatureCatalogIndex {
  readonly #byKey = new Map<string, SnapFeature>();
  get(key: string): SnapFeature | undefined {
    return this.#byKey.get(key);
  }
  all(): SnapFeature[] {
    return [...this.#byKey.values()];
  }
  put(f: SnapFeature): void {
    this.#byKey.set(f.key, f);
  }
  remove(key: string): void {
    this.#byKey.delete(key);
  }
}

type FeatureRow = { key: string; default_on: number; lifecycle: string; opt_in: number };
const toSnap = (r: FeatureRow): SnapFeature => ({ key: r.key, defaultOn: Number(r.default_on) === 1, lifecycle: r.lifecycle as FeatureLifecycle, optIn: Number(r.opt_in) === 1 });

export async function loadFeatures(db: Executor, idx: FeatureCatalogIndex, keys: string[] | null): Promise<void> {
  let q = db.selectFrom('feature_catalog').select(['key', 'default_on', 'lifecycle', 'opt_in']);
  if (keys) q = q.where('key', 'in', keys);
  const rows = await q.execute();
  const found = new Set<string>();
  for (const r of rows) {
    found.add(r.key);
    idx.put(toSnap(r));
  }
  if (keys) for (const k of keys) if (!found.has(k)) idx.remove(k);
}
