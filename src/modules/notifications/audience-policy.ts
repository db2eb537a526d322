/**
 * An event whose notices carry another module's data (an alert's figures) is told to the
 * partner's side as that module decides, per recipient: the module that owns the data registers
 * an AudiencePolicy for the event type (NotificationsService.setAudiencePolicy), and the fan-out
 * asks it at dispatch time — which of the partner's members are told, what each may read, on which
 * channels, which further addresses are e-mailed, and what the partner's own webhook endpoints get.
 */
import type { Tx } from '../../platform/db/database.ts';
import type { Recipient } from './notifications.repo.ts';

export interface PartnerNotice {
  /** the event's data as this recipient may read it */
  data: Record<string, unknown>;
  /** a bell item (still subject to the person's own preference) */
  in_app: boolean;
  /** e-mail: 'listed' — the setting names this person's address: sent; 'preference' — as the person's settings say; false — none */
  email: 'listed' | 'preference' | false;
}

export interface AudienceDecision {
  /** by user id, among the partner's members given; a member absent here is not told */
  people: Map<string, PartnerNotice>;
  /** addresses outside the partner's people that are e-mailed, each with the data it may read */
  addresses: { email: string; data: Record<string, unknown> }[];
  /** the payload for the partner's own webhook endpoints (null: none is sent) */
  partnerEndpoint: Record<string, unknown> | null;
}

export interface AudienceEvent {
  id: string;
  type: string;
  tenant_id: string | null;
  partner_id: string;
  data: Record<string, unknown>;
}

export type AudiencePolicy = (trx: Tx, e: AudienceEvent, members: readonly Recipient[]) => Promise<AudienceDecision>;
