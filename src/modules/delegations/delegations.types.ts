/** The delegations module's shared shapes (its service, transitions, sweep and invite codes use them). */
import type { Db } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import type { RoleCatalog } from '../authz/index.ts';
import type { Overrides } from './delegation-rules.ts';
import type { DelegationOrigin } from './delegations.repo.ts';

export interface CreateDelegationInput {
  partnerId: string;
  tenantId: string;
  origin: DelegationOrigin;
  /** a role of the delegation catalog */
  role: string;
  /** consent: the permission grants the customer approved (token scopes mapped to permissions) */
  scopes?: string[] | null;
  /** billing account ids (or account numbers) covered; null/absent = all of the tenant's */
  banIds?: string[] | null;
  overrides?: Partial<Overrides> | null;
  justification?: string | null;
  /** ISO time; default now */
  startsAt?: string | null;
  /** ISO time; required, capped by config.delegationMaxDays */
  endsAt: string;
  /** link: 'requested' (default); consent and wholesale: 'active' (default) */
  status?: 'requested' | 'active';
  /** consent: the OAuth client the delegation is bound to */
  clientId?: string | null;
  /** wholesale: the BAN (of the wholesaler) billed for what is ordered */
  billToBanId?: string | null;
  /** default ctx.actor.userId */
  requestedBy?: string | null;
  /** for delegations born active: who approved (default ctx.actor.userId) */
  decidedBy?: string | null;
  /** the purposes (catalog ids) the access is granted for; null/absent = none recorded */
  purposes?: string[] | null;
  /** the partner as this transaction already share-locked and found active (requireActivePartner); absent: checked here */
  partner?: { id: string; config: string | null };
}

export interface DelegationsDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  roles: RoleCatalog;
  /** config.delegationMaxDays */
  maxDays: number;
  /** the purpose catalog: the purposes a delegation names must be active ones */
  purposes?: { validate(ids: readonly string[]): string[] } | null;
  onError?: (err: unknown) => void;
}

export type Side = 'tenant' | 'partner' | 'operator';

/** Who revokes (the side, and the tenant or partner the delegation must belong to) and why. */
export interface RevokeBy {
  side: Side;
  tenantId?: string;
  partnerId?: string;
  reason: string;
}
