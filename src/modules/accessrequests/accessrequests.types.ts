/** The access requests module's shared shapes: what its services are given, and who owns a template. */
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import type { RoleCatalog } from '../authz/index.ts';
import type { DelegationsService } from '../delegations/index.ts';

/** The e-mail seam: a notice queued in the caller's transaction (notifications' queueNotice), sent by the events worker. */
export interface NoticeMail {
  queueNotice(trx: Tx, kind: string, to: { email: string; name: string }, text: { title: string; body: string; link: string | null }): Promise<void>;
}

export interface AccessRequestsDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  feed: ChangeFeed;
  roles: RoleCatalog;
  /** approval creates the delegation through it (its role, window, BAN and partner checks) */
  delegations: DelegationsService;
  mail: NoticeMail;
  onError?: (err: unknown) => void;
}

/** A template's owner: the operator's (offered to every partner) or one partner's own. */
export type TemplateOwner = { type: 'platform' } | { type: 'partner'; partnerId: string };
