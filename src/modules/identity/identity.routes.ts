/** /api/v1/auth, /api/v1/me, /api/v1/invitations, /api/v1/users */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, problems, page } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { IdentityService } from './identity.service.ts';
import { toApiTokenDto, toUserDto } from './identity.service.ts';
import { SESSION_COOKIE } from './auth-hook.ts';
import { identityErrors as E } from './identity.errors.ts';
import * as S from './identity.schemas.ts';
import * as M from './mfa.schemas.ts';
import type { FastifyReply } from 'fastify';
import type { SecondFactorProof } from './mfa.service.ts';
import type { LoginOutcome } from './sessions.service.ts';
import { pageOf } from '../../platform/http/pagination.ts';

export interface IdentityRouteDeps {
  identity: IdentityService;
  access: Access;
  cookieSecure: boolean;
  sessionAbsoluteTimeoutSec: number;
  /**
   * The customer tenants a partner member may act on now (the partner's effective
   * delegations ∩ the member's role), from the decision snapshot; [] when not in a partner.
   */
  managedTenantIds?: (userId: string, partnerId: string) => string[];
  /** the member's role inside the MSP (null = none: full) */
  memberRoleOf?: (userId: string) => string | null;
  /**
   * Does the member's own member role grant `permission`? The very check the partner API's
   * admission takes (its member-role step), so the portal shows what the server will admit.
   */
  memberRoleGrants?: (userId: string, permission: string) => boolean;
}

export function identityRoutes(d: IdentityRouteDeps): AudienceRoutes {
  const kit = identityRouteKit(d);

  return {
    public(app: App): void {
      registerLoginRoutes(app, d, kit);
      registerPasswordResetRoutes(app, d);
      registerInvitationRoutes(app, d);
    },
    me(app: App): void {
      registerSessionRoutes(app, d, kit);
      registerApiTokenRoutes(app, d);
      registerMyInvitationRoutes(app, d);
    },
    operator(app: App): void {
      registerUserAdminRoutes(app, d);
    },
  };
}

/** Users, for the operator: list, read, send a password reset, disable or enable. */
function registerUserAdminRoutes(app: App, { identity, access }: IdentityRouteDeps): void {
  app.get(
    '/api/v1/users',
    {
      config: { operator: 'platform.users.manage' }, schema: { tags: ['users'], summary: 'All users (operator)', querystring: S.ListUsersQuery, response: { 200: page(S.UserDto), ...problems(400, 401, 403) } } },
    async (req) => {
      access.operator(req, 'platform.users.manage');
      const limit = req.query.limit ?? 50;
      const rows = await identity.listUsers({ q: req.query.q, status: req.query.status, cursor: req.query.cursor, limit });
      return pageOf(rows, limit, toUserDto);
    },
  );

  app.get(
    '/api/v1/users/:user_id',
    {
      config: { operator: 'platform.users.manage' }, schema: { tags: ['users'], summary: 'One user (operator)', params: S.UserParams, response: { 200: S.UserDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.operator(req, 'platform.users.manage');
      const u = await identity.findUserById(req.params.user_id);
      if (!u) throw E.user_not_found();
      return toUserDto(u);
    },
  );

  app.post(
    '/api/v1/users/:user_id/password-reset',
    {
      config: { operator: 'platform.users.manage' },
      schema: {
        tags: ['users'],
        summary: 'E-mail the user a link to choose a new password (operator); the operator never sees the password',
        params: S.UserParams,
        response: { 200: M.ResetSentDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = access.operator(req, 'platform.users.manage');
      return identity.passwordResets.sendByOperator(req.ctx(), p, req.params.user_id);
    },
  );

  for (const [verb, status] of [
    ['disable', 'disabled'],
    ['enable', 'active'],
  ] as const) {
    app.post(
      `/api/v1/users/:user_id/${verb}`,
      {
      config: { operator: 'platform.users.manage' },
        schema: {
          tags: ['users'],
          summary: verb === 'disable' ? 'Disable a user: sessions end, API tokens are revoked and invitations to them withdrawn, for good (operator)' : 'Re-enable a user: they can sign in again; revoked tokens stay revoked (operator)',
          params: S.UserParams,
          response: { 200: S.UserDto, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        const p = access.operator(req, 'platform.users.manage');
        return toUserDto(await identity.setUserStatus(req.ctx(), p, req.params.user_id, status));
      },
    );
  }
}

/** The signed-in person: sign out, their profile, their password. */
function registerSessionRoutes(app: App, { identity, access }: IdentityRouteDeps, { withPermissions, cookieOpts }: IdentityRouteKit): void {
  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End the current session',
        description: "The session ends at once. When single sign-on made it and the organization's provider signs people out too (an OpenID Connect end_session_endpoint, or a SAML SingleLogoutService: then `continue_at` carries our signed LogoutRequest), the answer is 200 with `continue_at`: where to send the browser so the provider signs the person out too; else 204.",
        response: { 200: Type.Object({ continue_at: Type.String({ format: 'uri' }) }), 204: Type.Null(), ...problems(401, 403) },
      },
    },
    async (req, reply) => {
      const p = access.user(req);
      const next = await identity.logout(req.ctx(), p);
      reply.clearCookie(SESSION_COOKIE, cookieOpts);
      return next ? reply.code(200).send({ continue_at: next }) : reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    { schema: { tags: ['auth'], summary: 'The caller and their platform, tenant and partner memberships', response: { 200: S.MeDto, ...problems(401, 403) } } },
    async (req) => withPermissions(await identity.describe(access.user(req), req.headers['accept-language']), req.headers['x-active-tenant-id']),
  );

  app.patch(
    '/api/v1/me',
    { schema: { tags: ['auth'], summary: 'Change your display name or your language', body: S.UpdateMeBody, response: { 200: S.MeDto, ...problems(400, 401, 403) } } },
    async (req) => {
      const p = access.user(req);
      await identity.updateProfile(req.ctx(), p, req.body);
      return withPermissions(await identity.describe({ ...p, name: req.body.name ?? p.name }, req.headers['accept-language']));
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password (ends your other sessions)',
        body: S.ChangePasswordBody,
        response: { 204: Type.Null(), ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      await identity.changePassword(req.ctx(), access.user(req), req.body.current_password, req.body.new_password);
      return reply.code(204).send(null);
    },
  );
}

/** The signed-in person's personal API tokens. */
function registerApiTokenRoutes(app: App, { identity, access }: IdentityRouteDeps): void {
  app.get(
    '/api/v1/me/api-tokens',
    { schema: { tags: ['auth'], summary: 'Your personal API tokens (never the secrets)', response: { 200: Type.Object({ data: Type.Array(S.ApiTokenDto) }), ...problems(401, 403) } } },
    async (req) => ({ data: (await identity.listApiTokens(access.user(req).userId)).map(toApiTokenDto) }),
  );

  app.post(
    '/api/v1/me/api-tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create a personal API token; the secret is in this response only',
        body: S.CreateApiTokenBody,
        response: { 201: Type.Object({ token: Type.String({ description: 'shown once; store it now' }), api_token: S.ApiTokenDto }), ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const p = access.user(req);
      const { token, row } = await identity.createApiToken(req.ctx(), p, req.body.name, req.body.expires_in_days ?? null);
      return reply.code(201).send({ token, api_token: toApiTokenDto(row) });
    },
  );

  app.delete(
    '/api/v1/me/api-tokens/:token_id',
    { schema: { tags: ['auth'], summary: 'Revoke one of your API tokens', params: S.ApiTokenParams, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      await identity.revokeApiToken(req.ctx(), access.user(req), req.params.token_id);
      return reply.code(204).send(null);
    },
  );
}

/** The signed-in person's invitations: list, accept, decline. */
function registerMyInvitationRoutes(app: App, { identity, access }: IdentityRouteDeps): void {
  app.get(
    '/api/v1/me/invitations',
    { schema: { tags: ['auth'], summary: 'Invitations addressed to your email that wait for your answer', response: { 200: Type.Object({ data: Type.Array(S.MyInvitationDto) }), ...problems(401, 403) } } },
    async (req) => ({ data: await identity.listMyInvitations(access.user(req)) }),
  );

  app.post(
    '/api/v1/me/invitations/:invitation_id/accept',
    {
      schema: {
        tags: ['auth'],
        summary: 'Accept one of your invitations: you join the tenant or partner with the role it names',
        params: S.MyInvitationParams,
        response: { 200: S.AcceptedInvitationDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const p = access.user(req);
      const r = await identity.acceptMyInvitation(req.ctx(), p, req.params.invitation_id);
      return { user_id: p.userId, scope_type: r.scopeType, scope_id: r.scopeId, role: r.role };
    },
  );

  app.post(
    '/api/v1/me/invitations/:invitation_id/decline',
    { schema: { tags: ['auth'], summary: 'Decline one of your invitations', params: S.MyInvitationParams, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      await identity.declineMyInvitation(req.ctx(), access.user(req), req.params.invitation_id);
      return reply.code(204).send(null);
    },
  );
}

/** Signing in: with a password, its second factor, or a passkey. */
function registerLoginRoutes(app: App, { identity }: IdentityRouteDeps, { signedIn }: IdentityRouteKit): void {
  app.post(
    '/api/v1/auth/login',
    {
      config: { csrf: false, public: true },
      schema: {
        tags: ['auth'],
        summary: 'Log in with email and password; sets the session cookie (200), or asks for a second factor (202) when the account has one',
        body: S.LoginBody,
        response: { 200: S.LoginResponse, 202: M.LoginSecondStep, ...problems(400, 401, 403, 429) },
      },
    },
    async (req, reply) => {
      const r = await identity.login(req.ctx(), req.body.email, req.body.password);
      if (r.mfaRequired) return reply.code(202).send({ mfa_required: true as const, mfa_token: r.mfaToken, methods: r.methods, expires_at: r.expiresAt });
      return signedIn(reply, r, req.headers['accept-language']);
    },
  );

  app.post(
    '/api/v1/auth/login/second-factor',
    {
      config: { csrf: false, public: true },
      schema: {
        tags: ['auth'],
        summary: 'The sign-in second step: a code from the authenticator app, a recovery code (each works once) or a passkey; sets the session cookie',
        body: M.SecondStepBody,
        response: { 200: S.LoginResponse, ...problems(400, 401, 403, 404, 429) },
      },
    },
    async (req, reply) => {
      const b = req.body as { mfa_token: string } & SecondFactorProof;
      const { mfa_token, ...proof } = b;
      const r = await identity.completeLogin(req.ctx(), mfa_token, proof as SecondFactorProof);
      if (r.mfaRequired) throw E.session_expired();
      return signedIn(reply, r, req.headers['accept-language']);
    },
  );

  app.post(
    '/api/v1/auth/login/passkey-options',
    {
      config: { csrf: false, public: true },
      schema: { tags: ['auth'], summary: 'WebAuthn options for signing in with a passkey (the second step)', body: M.MfaTokenBody, response: { 200: M.WebAuthnOptions, ...problems(400, 401, 404) } },
    },
    async (req) => identity.loginPasskeyOptions(req.body.mfa_token),
  );
}

/** A forgotten password: ask for a link, check it, choose a new password. */
function registerPasswordResetRoutes(app: App, { identity }: IdentityRouteDeps): void {
  app.post(
    '/api/v1/auth/password-reset',
    {
      config: { csrf: false, public: true },
      schema: {
        tags: ['auth'],
        summary: 'Forgot password: e-mails a reset link to the address if it has an account (the answer is the same either way)',
        body: M.ForgotPasswordBody,
        response: { 202: Type.Object({ message: Type.String() }), ...problems(400, 429) },
      },
    },
    async (req, reply) => {
      await identity.passwordResets.request(req.ctx(), req.body.email);
      return reply.code(202).send({ message: 'If this address has an account, a link to choose a new password is on its way.' });
    },
  );

  app.post(
    '/api/v1/auth/password-reset/check',
    {
      config: { csrf: false, public: true },
      schema: { tags: ['auth'], summary: 'Is a reset link still good, and for which account', body: M.ResetTokenBody, response: { 200: M.ResetCheckDto, ...problems(400) } },
    },
    async (req) => identity.passwordResets.check(req.body.token),
  );

  app.post(
    '/api/v1/auth/password-reset/complete',
    {
      config: { csrf: false, public: true },
      schema: {
        tags: ['auth'],
        summary: 'Choose a new password with a reset link (works once); every session of the account ends',
        body: M.ResetPasswordBody,
        response: { 204: Type.Null(), ...problems(400) },
      },
    },
    async (req, reply) => {
      await identity.passwordResets.reset(req.ctx(), req.body.token, req.body.password);
      return reply.code(204).send(null);
    },
  );
}

/** An invitation by its link: what it is for, and accepting it. */
function registerInvitationRoutes(app: App, { identity }: IdentityRouteDeps): void {
  app.get(
    '/api/v1/invitations/:token',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'What an invitation link is for', params: S.InvitationParams, response: { 200: S.InvitationDto, ...problems(400, 404) } },
    },
    async (req) => identity.getInvitation(req.params.token),
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      config: { csrf: false, public: true },
      schema: {
        tags: ['auth'],
        summary: 'Accept an invitation with a new account: choose your name and password. An email that already has an account logs in and accepts instead (409 invitation_login_required).',
        body: S.AcceptInvitationBody,
        response: { 200: S.AcceptedInvitationDto, ...problems(400, 404, 409) },
      },
    },
    async (req) => {
      const r = await identity.acceptInvitation(req.ctx(), req.body.token, req.body.name, req.body.password);
      return { user_id: r.userId, scope_type: r.scopeType, scope_id: r.scopeId, role: r.role };
    },
  );
}

/** What the sign-in routes share: the described principal with its permissions, and the session cookie. */
function identityRouteKit(d: IdentityRouteDeps) {
  const { identity, access } = d;
  type Described = Awaited<ReturnType<typeof identity.describe>>;
  /** Each role's permissions next to it, so the portal gates pages by permission, not by role name. */
  const withPermissions = (me: Described, activeHeader?: string | string[]) => {
    const managed = me.partner && d.managedTenantIds ? d.managedTenantIds(me.user.id, me.partner.partner_id) : [];
    const active = typeof activeHeader === 'string' && managed.includes(activeHeader) ? activeHeader : null;
    return {
      ...me,
      permissions: me.platform_roles.flatMap((r) => access.roles.permissionsOf(r)),
      tenants: me.tenants.map((t) => ({ ...t, permissions: access.roles.permissionsOf(t.role) })),
      partner: me.partner
        ? { ...me.partner, member_role: d.memberRoleOf?.(me.user.id) ?? null, permissions: access.roles.permissionsOf(me.partner.role), member_permissions: memberPermissions(me.user.id, me.partner.role) }
        : null,
      managed_tenant_ids: managed,
      active_managed_tenant_id: active,
    };
  };
  /**
   * The customer work the partner API admits this member to (the admission's organization-role
   * and member-role steps; which customers, the links decide per request): [] when the
   * organization role does no customer work.
   */
  const memberPermissions = (userId: string, orgRole: string): string[] => {
    if (!access.can(orgRole, 'partner.customers.read') || !d.memberRoleGrants) return [];
    // customer work only: operator permissions are never a partner member's, whatever a member role says
    return [...access.roles.permissions.keys()].filter((p) => !p.startsWith('platform.') && d.memberRoleGrants!(userId, p)).sort();
  };
  const cookieOpts = { httpOnly: true, sameSite: 'lax' as const, secure: d.cookieSecure, path: '/' };
  const signedIn = async (reply: FastifyReply, r: Extract<LoginOutcome, { mfaRequired: false }>, acceptLanguage?: string) => {
    reply.setCookie(SESSION_COOKIE, r.token, { ...cookieOpts, maxAge: d.sessionAbsoluteTimeoutSec });
    return { csrf_token: r.csrfToken, expires_at: r.expiresAt, me: withPermissions(await identity.describeNewSession(r, acceptLanguage)) };
  };
  return { withPermissions, cookieOpts, signedIn };
}
type IdentityRouteKit = ReturnType<typeof identityRouteKit>;
