import { Type, Strict, Email, Name, Id, Slug, Nullable, Language } from '../../platform/http/schemas.ts';
import { InvitationIdParam, InvitationLinkDto } from '../identity/index.ts';

export const TenantDto = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  status: Type.String(),
  tier: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  locale: Nullable(Type.String({ description: "the default language of the organization's people; null = each person's browser's" })),
}, { title: 'Tenant' });

export const BillingAccountDto = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  account_number: Type.String(),
  name: Type.String(),
  status: Type.String(),
  currency: Type.String(),
  created_at: Type.String(),
}, { title: 'BillingAccount' });

export const MemberDto = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  status: Type.String({ description: 'the user account status: active, disabled or invited' }),
  created_at: Type.String(),
}, { title: 'TenantMember' });

/** The invitation of a tenant's first admin (null when none was asked for). */
export const Invitation = Nullable(InvitationLinkDto);

export const TenantRole = Type.Union([Type.Literal('TENANT_ADMIN'), Type.Literal('TENANT_USER')]);

export const TenantParams = Strict({ tenant_id: Id('tnt') });
export const TenantMemberParams = Strict({ tenant_id: Id('tnt'), user_id: Id('usr') });
export const BillingAccountParams = Strict({ tenant_id: Id('tnt'), ban_id: Id('ban') });

export const CreateTenantBody = Strict({
  name: Name,
  slug: Slug,
  tier: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  admin: Type.Optional(Strict({ email: Email }, { description: 'invite this email as the first TENANT_ADMIN' })),
  referral_code: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'attribute the tenant to the partner whose active referral code this is (recorded once, never changed)' })),
});

export const UpdateTenantBody = Strict({
  name: Type.Optional(Name),
  tier: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('closed')], { description: 'operator only' })),
  locale: Type.Optional(Nullable(Language("the default language of the tenant's people (each may choose their own); null = their browser's"))),
});

export const ListTenantsQuery = Strict({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('closed')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Id('tnt')),
});

export const AddMemberBody = Strict({ email: Email, role: TenantRole });
export const TenantInvitationParams = Strict({ tenant_id: Id('tnt'), ...InvitationIdParam });
export const ChangeRoleBody = Strict({ role: TenantRole });

export const CreateBillingAccountBody = Strict({
  name: Name,
  account_number: Type.Optional(Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{3,31}$', description: 'generated when omitted' })),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
});

export const UpdateBillingAccountBody = Strict({
  name: Type.Optional(Name),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed')])),
});
