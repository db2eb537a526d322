/** Wire types of the Partnergate API, from the generated schema (api/schema.ts); only request shapes are written here. */
import type { Params, Schemas } from './schema.ts';

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export type TenantMembershipDto = Me['tenants'][number];

export type PartnerMembershipDto = NonNullable<Me['partner']>;

export type Me = Schemas['Me'];

export type LoginResponse = Schemas['LoginResponse'];

export type ApiTokenDto = Schemas['ApiToken'];

/** What an invitation link is for (it does not say whether the email has an account). */
export type InvitationDto = Schemas['Invitation'];

/** The answer to an inviter, the same whether or not the email has an account: the one-time link, shown once. */
export type InvitationLink = Schemas['InvitationLink'];

/** An invitation that waits for an answer, as the tenant's or partner's admins see it. */
export type PendingInvitationDto = Schemas['PendingInvitation'];

/** One of your own invitations. */
export type MyInvitationDto = Schemas['MyInvitation'];

export type AcceptedInvitation = Schemas['AcceptedInvitation'];

export type UserDto = Schemas['User'];

export type TenantDto = Schemas['Tenant'];

export type TenantMemberDto = Schemas['TenantMember'];

export type BillingAccountDto = Schemas['BillingAccount'];

export const CAPABILITIES = ['delegated', 'wholesale', 'managed_services', 'referral'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const PARTNER_STATUSES = ['applied', 'active', 'suspended', 'terminated', 'rejected'] as const;

export type PartnerDto = Schemas['Partner'];

export type PartnerMemberDto = Schemas['PartnerMember'];

export type AuditEventDto = Schemas['AuditEvent'];

/** The audit log's filters (the operator's log takes the most; a tenant's or partner's log is already scoped). */
export type AuditQuery = Params<'/api/v1/audit-events', 'get'>;
