/** Wire shapes of second factors, step-up, password reset and MFA policies. */
import { Type, Strict, Email, Id, Nullable, Timestamp } from '../../platform/http/schemas.ts';

const Code = Type.String({ minLength: 6, maxLength: 12, pattern: '^[0-9 ]+$', description: 'the 6-digit code the authenticator app shows' });
const RecoveryCode = Type.String({ minLength: 8, maxLength: 20, pattern: '^[A-Za-z0-9 -]+$', description: 'one of the recovery codes given when the app was set up' });
const MfaToken = Type.String({ minLength: 20, maxLength: 100, description: 'from the 202 answer of POST /api/v1/auth/login' });

/** A WebAuthn credential as @simplewebauthn/browser returns it (checked by @simplewebauthn/server). */
const WebAuthnCredential = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 1024 }),
    rawId: Type.String({ minLength: 1, maxLength: 1024 }),
    type: Type.Literal('public-key'),
    response: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: true, description: 'the result of startAuthentication / startRegistration (@simplewebauthn/browser)' },
);

const WebAuthnOptions = Type.Object({ challenge: Type.String() }, { additionalProperties: true, title: 'WebAuthnOptions', description: 'pass to startAuthentication / startRegistration (@simplewebauthn/browser)' });
export { WebAuthnOptions };

export const SecondStepBody = Type.Union(
  [Strict({ mfa_token: MfaToken, code: Code }), Strict({ mfa_token: MfaToken, recovery_code: RecoveryCode }), Strict({ mfa_token: MfaToken, passkey: WebAuthnCredential })],
  { description: 'exactly one of code, recovery_code or passkey' },
);
export const MfaTokenBody = Strict({ mfa_token: MfaToken });

export const LoginSecondStep = Type.Object(
  {
    mfa_required: Type.Literal(true),
    mfa_token: MfaToken,
    methods: Type.Array(Type.Union([Type.Literal('totp'), Type.Literal('passkey'), Type.Literal('recovery_code')])),
    expires_at: Timestamp,
  },
  { title: 'LoginSecondStep', description: 'the password was right; prove a second factor with POST /api/v1/auth/login/second-factor before expires_at' },
);

export const StepUpBody = Type.Union([Strict({ code: Code }), Strict({ recovery_code: RecoveryCode }), Strict({ passkey: WebAuthnCredential })], { description: 'exactly one of code, recovery_code or passkey' });
export const StepUpDto = Type.Object({ amr: Type.Array(Type.String()), mfa_at: Timestamp }, { title: 'StepUp' });

export const PasskeyDto = Type.Object({ id: Type.String(), name: Type.String(), created_at: Type.String(), last_used_at: Nullable(Type.String()) }, { title: 'Passkey' });
export const SecurityDto = Type.Object(
  {
    totp: Type.Object({ enabled: Type.Boolean(), confirmed_at: Nullable(Type.String()), last_used_at: Nullable(Type.String()) }),
    recovery_codes: Type.Object({ total: Type.Integer(), unused: Type.Integer() }),
    passkeys: Type.Array(PasskeyDto),
    enabled: Type.Boolean({ description: 'at least one second factor is set up' }),
    session: Type.Object({ mfa: Type.Boolean({ description: 'this session proved a second factor' }), mfa_at: Nullable(Type.String()), step_up_fresh: Type.Boolean({ description: 'a second factor was proven recently enough for sensitive changes' }) }),
    required_by: Type.Array(Type.String(), { description: 'who requires MFA of you, in words (the platform, your partner organization)' }),
  },
  { title: 'Security' },
);
export const TotpSetupDto = Type.Object(
  { secret: Type.String({ description: 'the key to type into the app by hand; shown once' }), otpauth_url: Type.String(), qr_svg: Type.String({ description: 'an SVG QR code of otpauth_url' }) },
  { title: 'TotpSetup' },
);
export const ConfirmTotpBody = Strict({ code: Code });
export const RecoveryCodesDto = Type.Object({ recovery_codes: Type.Array(Type.String(), { description: 'shown once: store them now; each works once' }) }, { title: 'RecoveryCodes' });
export const AddPasskeyBody = Strict({ name: Type.String({ minLength: 1, maxLength: 80 }), response: WebAuthnCredential });
export const RenamePasskeyBody = Strict({ name: Type.String({ minLength: 1, maxLength: 80 }) });
export const PasskeyParams = Strict({ passkey_id: Id('pky') });

export const ForgotPasswordBody = Strict({ email: Email });
export const ResetTokenBody = Strict({ token: Type.String({ minLength: 20, maxLength: 100 }) });
export const ResetPasswordBody = Strict({ token: Type.String({ minLength: 20, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) });
export const ResetCheckDto = Type.Object({ email: Type.String(), expires_at: Timestamp }, { title: 'PasswordResetCheck' });
export const ResetSentDto = Type.Object({ sent_to: Type.String(), expires_at: Timestamp }, { title: 'PasswordResetSent' });

export const OperatorMfaPolicyDto = Type.Object(
  {
    platform_required: Type.Boolean({ description: 'every partner person must sign in with a second factor to act on customers' }),
    partners: Type.Array(Type.Object({ partner_id: Type.String(), name: Type.String(), updated_at: Type.String() }), { description: 'partners whose people must use MFA' }),
    tenants_requiring: Type.Integer({ description: 'how many tenants require MFA of the partner people acting on them' }),
  },
  { title: 'OperatorMfaPolicy' },
);
export const RequiredBody = Strict({ required: Type.Boolean() });
export const PartnerPolicyParams = Strict({ partner_id: Id('ptr') });
export const TenantMfaPolicyDto = Type.Object({ partner_people_required: Type.Boolean({ description: 'partner people acting on this tenant must have signed in with a second factor' }) }, { title: 'TenantMfaPolicy' });
export const TenantMfaPolicyBody = Strict({ partner_people_required: Type.Boolean() });
export const TenantParams = Strict({ tenant_id: Id('tnt') });
export const UserParams = Strict({ user_id: Id('usr') });
