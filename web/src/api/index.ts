/**
 * The typed API client, one function per endpoint the portal uses. Pages import `api` and the
 * wire types from here; later features add their own `api/<feature>.ts` next to these.
 */
import { http } from './client.ts';
import type {
  AcceptedInvitation,
  ApiTokenDto,
  AuditEventDto,
  AuditQuery,
  BillingAccountDto,
  Capability,
  InvitationDto,
  InvitationLink,
  LoginResponse,
  Me,
  MyInvitationDto,
  Page,
  PendingInvitationDto,
  PartnerDto,
  PartnerMemberDto,
  TenantDto,
  TenantMemberDto,
  UserDto,
} from './types.ts';

export * from './types.ts';
export { ApiError, onUnauthorized, setCsrfToken, setRequestLanguage } from './client.ts';

const enc = encodeURIComponent;

export const api = {
  auth: {
    login: (email: string, password: string) => http.post<LoginResponse>('/api/v1/auth/login', { email, password }, { quiet401: true }),
    /** `continue_at`: the organization's provider's sign-out page, when single sign-on made the session */
    logout: () => http.post<{ continue_at: string } | undefined>('/api/v1/auth/logout'),
    me: () => http.get<Me>('/api/v1/me', undefined, { quiet401: true }),
    updateMe: (name: string) => http.patch<Me>('/api/v1/me', { name }),
    setLanguage: (locale: string | null) => http.patch<Me>('/api/v1/me', { locale }),
    changePassword: (current_password: string, new_password: string) => http.post<void>('/api/v1/me/password', { current_password, new_password }),
    listTokens: () => http.get<{ data: ApiTokenDto[] }>('/api/v1/me/api-tokens'),
    createToken: (name: string, expires_in_days: number | null) =>
      http.post<{ token: string; api_token: ApiTokenDto }>('/api/v1/me/api-tokens', { name, expires_in_days }),
    revokeToken: (id: string) => http.delete(`/api/v1/me/api-tokens/${enc(id)}`),
    invitation: (token: string) => http.get<InvitationDto>(`/api/v1/invitations/${enc(token)}`),
    /** With a new account: the link's email gets this name and password. */
    acceptInvitation: (token: string, name: string, password: string) => http.post<AcceptedInvitation>('/api/v1/invitations/accept', { token, name, password }),
    myInvitations: () => http.get<{ data: MyInvitationDto[] }>('/api/v1/me/invitations'),
    acceptMyInvitation: (id: string) => http.post<AcceptedInvitation>(`/api/v1/me/invitations/${enc(id)}/accept`),
    declineMyInvitation: (id: string) => http.post<void>(`/api/v1/me/invitations/${enc(id)}/decline`),
  },

  users: {
    list: (q: { q?: string; status?: string; cursor?: string; limit?: number }) => http.get<Page<UserDto>>('/api/v1/users', q),
    get: (id: string) => http.get<UserDto>(`/api/v1/users/${enc(id)}`),
    disable: (id: string) => http.post<UserDto>(`/api/v1/users/${enc(id)}/disable`),
    enable: (id: string) => http.post<UserDto>(`/api/v1/users/${enc(id)}/enable`),
  },

  tenants: {
    list: (q: { q?: string; status?: string; cursor?: string; limit?: number }) => http.get<Page<TenantDto>>('/api/v1/tenants', q),
    get: (id: string) => http.get<TenantDto>(`/api/v1/tenants/${enc(id)}`),
    create: (body: { name: string; slug: string; tier?: string; admin?: { email: string }; referral_code?: string }) =>
      http.post<{ tenant: TenantDto; invitation: InvitationLink | null }>('/api/v1/tenants', body),
    update: (id: string, body: { name?: string; tier?: string; status?: 'active' | 'suspended' | 'closed' }) =>
      http.patch<TenantDto>(`/api/v1/tenants/${enc(id)}`, body),
    members: (id: string) => http.get<{ data: TenantMemberDto[] }>(`/api/v1/tenants/${enc(id)}/members`),
    /** Invite: the person joins when they accept. */
    addMember: (id: string, body: { email: string; role: string }) => http.post<{ invitation: InvitationLink }>(`/api/v1/tenants/${enc(id)}/members`, body),
    invitations: (id: string) => http.get<{ data: PendingInvitationDto[] }>(`/api/v1/tenants/${enc(id)}/invitations`),
    revokeInvitation: (id: string, invitationId: string) => http.delete(`/api/v1/tenants/${enc(id)}/invitations/${enc(invitationId)}`),
    changeMemberRole: (id: string, userId: string, role: string) => http.patch<void>(`/api/v1/tenants/${enc(id)}/members/${enc(userId)}`, { role }),
    removeMember: (id: string, userId: string) => http.delete(`/api/v1/tenants/${enc(id)}/members/${enc(userId)}`),
    billingAccounts: (id: string) => http.get<{ data: BillingAccountDto[] }>(`/api/v1/tenants/${enc(id)}/billing-accounts`),
    createBillingAccount: (id: string, body: { name: string; account_number?: string; currency?: string }) =>
      http.post<BillingAccountDto>(`/api/v1/tenants/${enc(id)}/billing-accounts`, body),
    updateBillingAccount: (id: string, banId: string, body: { name?: string; status?: 'active' | 'closed' }) =>
      http.patch<BillingAccountDto>(`/api/v1/tenants/${enc(id)}/billing-accounts/${enc(banId)}`, body),
    audit: (id: string, q: AuditQuery) => http.get<Page<AuditEventDto>>(`/api/v1/tenants/${enc(id)}/audit-events`, { ...q }),
  },

  partners: {
    apply: (body: {
      name: string;
      slug?: string;
      website?: string;
      contact_email: string;
      description?: string;
      requested_capabilities?: Capability[];
      owner: { name: string; email: string; password: string };
    }) => http.post<{ partner: PartnerDto; owner_user_id: string }>('/api/v1/partner-applications', body),
    list: (q: { q?: string; status?: string; capability?: string; cursor?: string; limit?: number }) => http.get<Page<PartnerDto>>('/api/v1/partners', q),
    get: (id: string) => http.get<PartnerDto>(`/api/v1/partners/${enc(id)}`),
    update: (id: string, body: { name?: string; website?: string | null; contact_email?: string; description?: string | null }) =>
      http.patch<PartnerDto>(`/api/v1/partners/${enc(id)}`, body),
    approve: (id: string, capabilities: Capability[]) => http.post<PartnerDto>(`/api/v1/partners/${enc(id)}/approve`, { capabilities }),
    transition: (id: string, verb: 'reject' | 'suspend' | 'reactivate' | 'terminate', reason?: string) =>
      http.post<PartnerDto>(`/api/v1/partners/${enc(id)}/${verb}`, reason ? { reason } : {}),
    setCapabilities: (id: string, capabilities: Capability[]) => http.put<PartnerDto>(`/api/v1/partners/${enc(id)}/capabilities`, { capabilities }),
    setFeatureToggles: (id: string, feature_toggles: Record<string, boolean>) =>
      http.patch<PartnerDto>(`/api/v1/partners/${enc(id)}/feature-toggles`, { feature_toggles }),
    members: (id: string) => http.get<{ data: PartnerMemberDto[] }>(`/api/v1/partners/${enc(id)}/members`),
    /** Invite: the person joins when they accept. */
    addMember: (id: string, body: { email: string; role: string }) => http.post<{ invitation: InvitationLink }>(`/api/v1/partners/${enc(id)}/members`, body),
    invitations: (id: string) => http.get<{ data: PendingInvitationDto[] }>(`/api/v1/partners/${enc(id)}/invitations`),
    revokeInvitation: (id: string, invitationId: string) => http.delete(`/api/v1/partners/${enc(id)}/invitations/${enc(invitationId)}`),
    updateMember: (id: string, userId: string, body: { role?: string; status?: 'active' | 'inactive' }) =>
      http.patch<void>(`/api/v1/partners/${enc(id)}/members/${enc(userId)}`, body),
    removeMember: (id: string, userId: string) => http.delete(`/api/v1/partners/${enc(id)}/members/${enc(userId)}`),
    /** the partner's work roles for its members (MSP billing, support, auditor…) */
    workRoles: () => http.get<{ data: { id: string; name: string; description: string }[] }>('/api/v1/roles', { catalog: 'partner' }),
    setWorkRole: (id: string, userId: string, member_role: string) => http.put<PartnerMemberDto>(`/api/v1/partners/${enc(id)}/members/${enc(userId)}/member-role`, { member_role }),
    audit: (id: string, q: AuditQuery) => http.get<Page<AuditEventDto>>(`/api/v1/partners/${enc(id)}/audit-events`, { ...q }),
  },

  audit: {
    list: (q: AuditQuery) => http.get<Page<AuditEventDto>>('/api/v1/audit-events', { ...q }),
  },
};
