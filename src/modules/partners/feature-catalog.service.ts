/**
 * The platform's feature catalog (part of the partner configuration manager): the operator's list of
 * features — key, name, description, default on/off, lifecycle beta → general → retired, and
 * whether a partner's owner may switch it (opt-in). Every change is audited and recorded on the
 * change feed (entity `feature`), so every instance's decision snapshot has it on the next request
 * (authz/feature-catalog.ts). What a partner gets is the catalog default overlaid by its
 * configuration's `features` section (PartnersService.updateConfigSection).
 */
import type { Selectable } from 'kysely';
import type { Db, Executor } from '../../platform/db/database.ts';
import { mutateAndKick, type Tx } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { FeatureCatalogTable } from '../../platform/db/schema.ts';
import type { AuditLog } from '../audit/index.ts';
import { FEATURE_ENTITY, FEATURE_LIFECYCLES, type FeatureLifecycle } from '../authz/index.ts';
import { partnerErrors as E } from './partners.errors.ts';
import * as featureRepo from './feature-catalog.repo.ts';
import { problemDetails as PD } from './partners.problem-details.ts';

export type FeatureRow = Selectable<FeatureCatalogTable>;

export interface FeatureDto {
  key: string;
  name: string;
  description: string;
  default_on: boolean;
  lifecycle: FeatureLifecycle;
  opt_in: boolean;
  created_at: string;
  updated_at: string;
}

export const toFeatureDto = (r: FeatureRow): FeatureDto => ({
  key: r.key,
  name: r.name,
  description: r.description,
  default_on: Number(r.default_on) === 1,
  lifecycle: r.lifecycle,
  opt_in: Number(r.opt_in) === 1,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export interface NewFeature {
  key: string;
  name: string;
  description: string;
  default_on: boolean;
  lifecycle?: 'beta' | 'general';
  opt_in: boolean;
}

export type FeaturePatch = Partial<Pick<FeatureDto, 'name' | 'description' | 'default_on' | 'lifecycle' | 'opt_in'>>;

/** A lifecycle moves only forward (a retired feature does not come back; a general one does not return to beta). */
export function lifecycleMoveAllowed(from: FeatureLifecycle, to: FeatureLifecycle): boolean {
  return FEATURE_LIFECYCLES.indexOf(to) >= FEATURE_LIFECYCLES.indexOf(from);
}

export class FeatureCatalogService {
  readonly #d: { db: Db; audit: AuditLog; feed: ChangeFeed; clock: Clock };
  constructor(d: { db: Db; audit: AuditLog; feed: ChangeFeed; clock: Clock }) {
    this.#d = d;
  }

  async list(db: Executor = this.#d.db.kysely): Promise<FeatureRow[]> {
    return featureRepo.listFeatures(db);
  }

  async get(key: string): Promise<FeatureRow> {
    const r = await featureRepo.findFeature(this.#d.db.kysely, key);
    if (!r) throw E.feature_not_found(PD.noFeatureCatalog, { values: { key } });
    return r;
  }

  async create(ctx: RequestContext, input: NewFeature): Promise<FeatureRow> {
    return this.#write(async (trx) => {
      if (await featureRepo.findFeature(trx, input.key)) throw E.feature_exists(PD.catalogAlreadyHas, { values: { key: input.key } });
      const now = this.#d.clock.now().toISOString();
      const row: FeatureRow = { key: input.key, name: input.name, description: input.description, default_on: input.default_on ? 1 : 0, lifecycle: input.lifecycle ?? 'beta', opt_in: input.opt_in ? 1 : 0, created_at: now, updated_at: now };
      await featureRepo.insertFeature(trx, row);
      await this.#d.feed.record(trx, FEATURE_ENTITY, row.key);
      await this.#d.audit.record(trx, ctx, { action: 'feature.created', targetType: 'feature', targetId: row.key, details: toFeatureDto(row) as unknown as Record<string, unknown> });
      return row;
    });
  }

  async update(ctx: RequestContext, key: string, patch: FeaturePatch, action = 'feature.updated'): Promise<FeatureRow> {
    return this.#write(async (trx) => {
      const cur = await featureRepo.findFeature(trx, key);
      if (!cur) throw E.feature_not_found(PD.noFeatureCatalog, { values: { key } });
      if (patch.lifecycle !== undefined && !lifecycleMoveAllowed(cur.lifecycle, patch.lifecycle)) {
        throw E.invalid_lifecycle_transition(PD.featureMovesOnlyForward, { values: { key, lifecycle: cur.lifecycle } });
      }
      const next: FeatureRow = {
        ...cur,
        name: patch.name ?? cur.name,
        description: patch.description ?? cur.description,
        default_on: patch.default_on === undefined ? cur.default_on : patch.default_on ? 1 : 0,
        lifecycle: patch.lifecycle ?? cur.lifecycle,
        opt_in: patch.opt_in === undefined ? cur.opt_in : patch.opt_in ? 1 : 0,
      };
      const before = toFeatureDto(cur);
      const after = toFeatureDto(next);
      const changes = (Object.keys(after) as (keyof FeatureDto)[]).filter((k) => k !== 'updated_at' && before[k] !== after[k]).map((k) => ({ field: k, from: before[k], to: after[k] }));
      if (changes.length === 0) return cur;
      next.updated_at = this.#d.clock.now().toISOString();
      await featureRepo.updateFeature(trx, key, { name: next.name, description: next.description, default_on: next.default_on, lifecycle: next.lifecycle, opt_in: next.opt_in, updated_at: next.updated_at });
      await this.#d.feed.record(trx, FEATURE_ENTITY, key);
      await this.#d.audit.record(trx, ctx, { action, targetType: 'feature', targetId: key, details: { changes } });
      return next;
    });
  }

  retire(ctx: RequestContext, key: string): Promise<FeatureRow> {
    return this.update(ctx, key, { lifecycle: 'retired' }, 'feature.retired');
  }

  readonly #write = <T>(fn: (trx: Tx) => Promise<T>) => mutateAndKick(this.#d.db, this.#d.feed, fn);
}
