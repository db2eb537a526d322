import { Type, Strict, Email, Name, Id, Nullable, Timestamp, Language } from '../../platform/http/schemas.ts';

export const LoginBody = Strict({ email: Email, password: Type.String({ minLength: 1, maxLength: 200 }) });

export const UserDto = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  status: Type.String(),
  platform_role: Nullable(Type.String()),
  created_at: Type.String(),
  last_login_at: Nullable(Type.String()),
}, { title: 'User' });

const Permissions = (of: string) => Type.Array(Type.String(), { description: `the permissions ${of} grants, wildcards expanded (the portal shows pages by these; the server still checks every request)` });

export const MeDto = Type.Object({
  user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), status: Type.String(), platform_role: Nullable(Type.String()) }),
  platform_roles: Type.Array(Type.String()),
  permissions: Permissions('the platform role'),
  tenants: Type.Array(Type.Object({ tenant_id: Type.String(), slug: Type.String(), name: Type.String(), status: Type.String(), role: Type.String(), permissions: Permissions('the tenant role') })),
  partner: Nullable(
    Type.Object({
      partner_id: Type.String(),
      slug: Type.String(),
      name: Type.String(),
      role: Type.String(),
      member_status: Type.String(),
      partner_status: Type.String(),
      capabilities: Type.Array(Type.String()),
      member_role: Type.Optional(Nullable(Type.String({ description: 'the role inside the MSP: partner_msp_full, partner_msp_billing, partner_msp_support, partner_auditor; null = full' }))),
      permissions: Permissions('the partner role'),
      member_permissions: Type.Optional(
        Type.Array(Type.String(), {
          description:
            'the customer work the partner API admits you to: the permissions your member role grants, when your partner role does customer work ([] when it does not); which customers, each link decides (the portal shows views by these; the server still checks every request)',
        }),
      ),
    }),
  ),
  managed_tenant_ids: Type.Optional(Type.Array(Type.String(), { description: 'The customer tenants you may act on now through your partner (its links ∩ your member role)' })),
  active_managed_tenant_id: Type.Optional(Nullable(Type.String({ description: 'the X-Active-Tenant-Id of this request, when it names one of managed_tenant_ids' }))),
  auth: Type.String({ description: 'session or api_token' }),
  mfa: Type.Boolean({ description: 'this session was signed in (or stepped up) with a second factor' }),
  has_password: Type.Boolean({ description: 'the person has a password here (someone created by single sign-on or a directory has none, and signs in through their organization)' }),
  csrf_token: Nullable(Type.String()),
  locale: Type.Object({
    current: Type.String({ description: 'the language the portal speaks to you in: your choice, else your organization\'s, else your browser\'s (Accept-Language), else English' }),
    chosen: Nullable(Type.String({ description: 'the language you chose; null = none' })),
    organization: Nullable(Type.String({ description: 'your organization\'s default language; null = none' })),
    available: Type.Array(Type.String(), { description: 'the languages you may choose' }),
  }),
}, { title: 'Me' });

export const LoginResponse = Type.Object({
  csrf_token: Type.String({ description: 'send back in the x-csrf-token header on every cookie-authenticated mutation' }),
  expires_at: Timestamp,
  me: MeDto,
}, { title: 'LoginResponse' });

export const ApiTokenDto = Type.Object({
  id: Type.String(),
  name: Type.String(),
  token_prefix: Type.String(),
  created_at: Type.String(),
  last_used_at: Nullable(Type.String()),
  expires_at: Nullable(Type.String()),
  revoked_at: Nullable(Type.String()),
  revoked_reason: Nullable(Type.String({ description: 'owner (you revoked it) or user_disabled (the account was disabled; re-enabling it does not bring the token back)' })),
}, { title: 'ApiToken' });

export const CreateApiTokenBody = Strict({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  expires_in_days: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3650 }))),
});

export const ApiTokenParams = Strict({ token_id: Id('pat') });
export const UserParams = Strict({ user_id: Id('usr') });

export const UpdateMeBody = Strict(
  {
    name: Type.Optional(Name),
    locale: Type.Optional(Nullable(Language("the language you read Partnergate in; null = your organization's, then your browser's"))),
  },
  { minProperties: 1 },
);
export const ChangePasswordBody = Strict({ current_password: Type.String({ minLength: 1, maxLength: 200 }), new_password: Type.String({ minLength: 1, maxLength: 200 }) });

export const InvitationParams = Strict({ token: Type.String({ minLength: 10, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) });
export const AcceptInvitationBody = Strict({
  token: Type.String({ minLength: 10, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
  name: Name,
  password: Type.String({ minLength: 1, maxLength: 200 }),
});
export const InvitationDto = Type.Object({
  id: Type.String(),
  email: Type.String({ description: 'the invitee; their login' }),
  scope_type: Type.String({ description: 'tenant or partner' }),
  scope_id: Type.String(),
  scope_name: Type.String(),
  role: Type.String(),
  expires_at: Type.String(),
}, { title: 'Invitation' });
export const AcceptedInvitationDto = Type.Object({ user_id: Type.String(), scope_type: Type.String(), scope_id: Type.String(), role: Type.String() }, { title: 'AcceptedInvitation' });
export const MyInvitationDto = Type.Object({ id: Type.String(), scope_type: Type.String(), scope_id: Type.String(), scope_name: Type.String(), role: Type.String(), expires_at: Type.String() }, { title: 'MyInvitation' });
export const MyInvitationParams = Strict({ invitation_id: Id('inv') });

export const ListUsersQuery = Strict({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('invited')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Id('usr')),
});

/** The answer to an inviter: the same shape whether or not the email has an account. */
export const InvitationLinkDto = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Type.String(),
  url: Type.String({ description: 'one-time link for the invitee; shown once' }),
  expires_at: Type.String(),
}, { title: 'InvitationLink' });
/** A pending invitation as its tenant's or partner's admins see it (never the link). */
export const PendingInvitationDto = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Type.String(),
  invited_by: Nullable(Type.String()),
  created_at: Type.String(),
  expires_at: Type.String(),
}, { title: 'PendingInvitation' });
export const InvitationIdParam = { invitation_id: Id('inv') };
