/**
 * /api/v1/me/security, /api/v1/me/mfa/…, /api/v1/me/step-up (every user's own second factors),
 * /api/v1/mfa-policies (operator) and /api/v1/tenants/:tenant_id/mfa-policy (tenant admins): second factors, step-up and MFA policies.
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { IdentityService } from './identity.service.ts';
import type { SecondFactorProof } from './mfa.service.ts';
import { STEP_UP_WINDOW_MS } from './mfa.service.ts';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import * as M from './mfa.schemas.ts';

export interface MfaRouteDeps {
  identity: IdentityService;
  access: Access;
  /** is MFA required of this partner's people (platform-wide or for the partner)? from the decision snapshot */
  partnerRequiresMfa: (partnerId: string) => { platform: boolean; partner: boolean };
  /** "now" in ms (the app's clock) */
  nowMs: () => number;
}

export function mfaRoutes(d: MfaRouteDeps): AudienceRoutes {
  return {
    me(app: App): void {
      registerSecurityAndTotpRoutes(app, d);
      registerRecoveryAndPasskeyRoutes(app, d);
      registerStepUpRoutes(app, d);
    },

    operator(app: App): void {
      registerMfaPolicyRoutes(app, d);
    },

    tenant(app: App): void {
      registerTenantMfaPolicyRoutes(app, d);
    },
  };
}

/** A tenant's MFA policy for the partner people acting on it: read it, set it (tenant admin). */
function registerTenantMfaPolicyRoutes(app: App, { identity, access }: MfaRouteDeps): void {
  app.get(
    '/api/v1/tenants/:tenant_id/mfa-policy',
    { schema: { tags: ['tenants'], summary: 'Whether partner people acting on this tenant must have used MFA', params: M.TenantParams, response: { 200: M.TenantMfaPolicyDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenantMember(req, req.params.tenant_id);
      return { partner_people_required: await identity.mfaPolicies.required('tenant', req.params.tenant_id) };
    },
  );

  app.put(
    '/api/v1/tenants/:tenant_id/mfa-policy',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Require (or stop requiring) partner people acting on this tenant to have signed in with a second factor (tenant admin)',
        params: M.TenantParams,
        body: M.TenantMfaPolicyBody,
        response: { 200: M.TenantMfaPolicyDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const a = access.tenant(req, req.params.tenant_id, 'tenant.update');
      await identity.mfaPolicies.set(req.ctx(), a.principal, 'tenant', req.params.tenant_id, req.body.partner_people_required);
      return { partner_people_required: req.body.partner_people_required };
    },
  );
}

/** Your second factors and who requires them, and the authenticator app: enrol, confirm, remove. */
function registerSecurityAndTotpRoutes(app: App, d: MfaRouteDeps): void {
  const mfa = d.identity.mfa;
  const { access } = d;
  app.get(
    '/api/v1/me/security',
    { schema: { tags: ['auth'], summary: 'Your second factors (authenticator app, recovery codes, passkeys), this session, and who requires MFA of you', response: { 200: M.SecurityDto, ...problems(401, 403) } } },
    async (req) => {
      const p = access.user(req);
      const status = await mfa.status(p.userId);
      const mfaAt = p.sessionId ? await mfa.sessionMfaAt(p.sessionId) : null;
      const requiredBy: string[] = [];
      if (p.partner) {
        const r = d.partnerRequiresMfa(p.partner.partnerId);
        if (r.platform) requiredBy.push('the platform operator, for every partner');
        if (r.partner) requiredBy.push('the platform operator, for your partner organization');
      }
      return {
        ...status,
        session: { mfa: p.mfa === true, mfa_at: mfaAt, step_up_fresh: mfaAt !== null && d.nowMs() - Date.parse(mfaAt) <= STEP_UP_WINDOW_MS },
        required_by: requiredBy,
      };
    },
  );

  app.post(
    '/api/v1/me/mfa/totp',
    { schema: { tags: ['auth'], summary: 'Start setting up an authenticator app: the key (shown once) and its QR code; confirm with a code to turn it on', response: { 201: M.TotpSetupDto, ...problems(401, 403, 409) } } },
    async (req, reply) => reply.code(201).send(await mfa.startTotp(req.ctx(), access.user(req))),
  );

  app.post(
    '/api/v1/me/mfa/totp/confirm',
    {
      schema: { tags: ['auth'], summary: 'Turn the authenticator app on with a code from it; answers your recovery codes (shown once)', body: M.ConfirmTotpBody, response: { 200: M.RecoveryCodesDto, ...problems(400, 401, 403, 409, 429) } },
    },
    async (req) => mfa.confirmTotp(req.ctx(), access.user(req), req.body.code),
  );

  app.delete(
    '/api/v1/me/mfa/totp',
    { schema: { tags: ['auth'], summary: 'Remove the authenticator app (needs a recent step-up)', response: { 204: Type.Null(), ...problems(401, 403, 409) } } },
    async (req, reply) => {
      await mfa.removeTotp(req.ctx(), access.user(req));
      return reply.code(204).send(null);
    },
  );
}

/** Recovery codes, and passkeys: register, rename, remove. */
function registerRecoveryAndPasskeyRoutes(app: App, { access, identity }: MfaRouteDeps): void {
  const mfa = identity.mfa;
  app.post(
    '/api/v1/me/mfa/recovery-codes',
    { schema: { tags: ['auth'], summary: 'New recovery codes (the old ones stop working; needs a recent step-up)', response: { 200: M.RecoveryCodesDto, ...problems(401, 403, 409) } } },
    async (req) => mfa.regenerateRecoveryCodes(req.ctx(), access.user(req)),
  );

  app.post(
    '/api/v1/me/mfa/passkeys/options',
    { schema: { tags: ['auth'], summary: 'WebAuthn options for adding a passkey', response: { 200: M.WebAuthnOptions, ...problems(401, 403) } } },
    async (req) => mfa.passkeyRegistrationOptions(req.ctx(), access.user(req)),
  );

  app.post(
    '/api/v1/me/mfa/passkeys',
    { schema: { tags: ['auth'], summary: 'Add a passkey with a name (the browser’s answer to the options)', body: M.AddPasskeyBody, response: { 201: M.PasskeyDto, ...problems(400, 401, 403) } } },
    async (req, reply) => reply.code(201).send(await mfa.registerPasskey(req.ctx(), access.user(req), req.body.name, req.body.response as unknown as RegistrationResponseJSON)),
  );

  app.patch(
    '/api/v1/me/mfa/passkeys/:passkey_id',
    { schema: { tags: ['auth'], summary: 'Rename a passkey', params: M.PasskeyParams, body: M.RenamePasskeyBody, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      await mfa.renamePasskey(req.ctx(), access.user(req), req.params.passkey_id, req.body.name);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/me/mfa/passkeys/:passkey_id',
    { schema: { tags: ['auth'], summary: 'Remove a passkey (needs a recent step-up)', params: M.PasskeyParams, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      await mfa.removePasskey(req.ctx(), access.user(req), req.params.passkey_id);
      return reply.code(204).send(null);
    },
  );
}

/** Step-up: prove a second factor again before a sensitive action. */
function registerStepUpRoutes(app: App, { access, identity }: MfaRouteDeps): void {
  const mfa = identity.mfa;
  app.post(
    '/api/v1/me/step-up/passkey-options',
    { schema: { tags: ['auth'], summary: 'WebAuthn options to confirm it is you with a passkey (step-up)', response: { 200: M.WebAuthnOptions, ...problems(401, 403, 404) } } },
    async (req) => mfa.stepUpPasskeyOptions(access.user(req)),
  );

  app.post(
    '/api/v1/me/step-up',
    {
      schema: {
        tags: ['auth'],
        summary: 'Confirm it is you with a fresh second factor: this session then counts as MFA, and sensitive changes are allowed for 10 minutes',
        body: M.StepUpBody,
        response: { 200: M.StepUpDto, ...problems(400, 401, 403, 409, 429) },
      },
    },
    async (req) => {
      const r = await mfa.stepUp(req.ctx(), access.user(req), req.body as SecondFactorProof);
      return { amr: [...r.amr], mfa_at: r.mfa_at };
    },
  );
}

/** Who must use a second factor: the platform-wide and per-partner MFA policies (operator). */
function registerMfaPolicyRoutes(app: App, { identity, access }: MfaRouteDeps): void {
  app.get(
    '/api/v1/mfa-policies',
    {
      config: { operator: 'platform.partners.manage' },
      schema: { tags: ['users'], summary: 'Who must use MFA: platform-wide and per partner (operator)', response: { 200: M.OperatorMfaPolicyDto, ...problems(401, 403) } },
    },
    async (req) => {
      access.operator(req, 'platform.partners.manage');
      return identity.mfaPolicies.operatorView();
    },
  );

  app.put(
    '/api/v1/mfa-policies/platform',
    {
      config: { operator: 'platform.partners.manage' },
      schema: { tags: ['users'], summary: 'Require (or stop requiring) MFA of every partner person acting on customers (operator)', body: M.RequiredBody, response: { 200: M.OperatorMfaPolicyDto, ...problems(400, 401, 403) } },
    },
    async (req) => {
      const p = access.operator(req, 'platform.partners.manage');
      await identity.mfaPolicies.set(req.ctx(), p, 'platform', 'platform', req.body.required);
      return identity.mfaPolicies.operatorView();
    },
  );

  app.put(
    '/api/v1/mfa-policies/partners/:partner_id',
    {
      config: { operator: 'platform.partners.manage' },
      schema: {
        tags: ['users'],
        summary: "Require (or stop requiring) MFA of one partner's people (operator)",
        params: M.PartnerPolicyParams,
        body: M.RequiredBody,
        response: { 200: M.OperatorMfaPolicyDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = access.operator(req, 'platform.partners.manage');
      if (!(await identity.mfaPolicies.partnerExists(req.params.partner_id))) throw access.notFound('partner');
      await identity.mfaPolicies.set(req.ctx(), p, 'partner', req.params.partner_id, req.body.required);
      return identity.mfaPolicies.operatorView();
    },
  );
}
