/**
 * Sign-in security: second factors (authenticator app, recovery codes, passkeys),
 * the sign-in second step, step-up, password reset, and who must use MFA.
 */
import { http } from './client.ts';
import type { Schemas } from './schema.ts';

export type LoginResponse = Schemas['LoginResponse'];
export type LoginSecondStep = Schemas['LoginSecondStep'];
export type Security = Schemas['Security'];
export type PasskeyDto = Schemas['Passkey'];
export type TotpSetup = Schemas['TotpSetup'];
export type OperatorMfaPolicy = Schemas['OperatorMfaPolicy'];
/** what @simplewebauthn/browser returns (sent back as is) */
export type WebAuthnResult = Record<string, unknown>;
export type SecondFactorProof = { code: string } | { recovery_code: string } | { passkey: WebAuthnResult };

const enc = encodeURIComponent;

export const security = {
  login: (email: string, password: string) => http.post<LoginResponse | LoginSecondStep>('/api/v1/auth/login', { email, password }, { quiet401: true }),
  secondFactor: (mfaToken: string, proof: SecondFactorProof) => http.post<LoginResponse>('/api/v1/auth/login/second-factor', { mfa_token: mfaToken, ...proof }, { quiet401: true }),
  loginPasskeyOptions: (mfaToken: string) => http.post<Record<string, unknown>>('/api/v1/auth/login/passkey-options', { mfa_token: mfaToken }, { quiet401: true }),

  forgotPassword: (email: string) => http.post<{ message: string }>('/api/v1/auth/password-reset', { email }, { quiet401: true }),
  checkReset: (token: string) => http.post<Schemas['PasswordResetCheck']>('/api/v1/auth/password-reset/check', { token }, { quiet401: true }),
  completeReset: (token: string, password: string) => http.post<void>('/api/v1/auth/password-reset/complete', { token, password }, { quiet401: true }),

  status: () => http.get<Security>('/api/v1/me/security'),
  startTotp: () => http.post<TotpSetup>('/api/v1/me/mfa/totp'),
  confirmTotp: (code: string) => http.post<Schemas['RecoveryCodes']>('/api/v1/me/mfa/totp/confirm', { code }),
  removeTotp: () => http.delete('/api/v1/me/mfa/totp'),
  newRecoveryCodes: () => http.post<Schemas['RecoveryCodes']>('/api/v1/me/mfa/recovery-codes'),
  passkeyOptions: () => http.post<Record<string, unknown>>('/api/v1/me/mfa/passkeys/options'),
  addPasskey: (name: string, response: WebAuthnResult) => http.post<PasskeyDto>('/api/v1/me/mfa/passkeys', { name, response }),
  renamePasskey: (id: string, name: string) => http.patch<void>(`/api/v1/me/mfa/passkeys/${enc(id)}`, { name }),
  removePasskey: (id: string) => http.delete(`/api/v1/me/mfa/passkeys/${enc(id)}`),
  stepUpPasskeyOptions: () => http.post<Record<string, unknown>>('/api/v1/me/step-up/passkey-options'),
  stepUp: (proof: SecondFactorProof) => http.post<Schemas['StepUp']>('/api/v1/me/step-up', proof),

  operatorPolicy: () => http.get<OperatorMfaPolicy>('/api/v1/mfa-policies'),
  setPlatformPolicy: (required: boolean) => http.put<OperatorMfaPolicy>('/api/v1/mfa-policies/platform', { required }),
  setPartnerPolicy: (partnerId: string, required: boolean) => http.put<OperatorMfaPolicy>(`/api/v1/mfa-policies/partners/${enc(partnerId)}`, { required }),
  tenantPolicy: (tenantId: string) => http.get<Schemas['TenantMfaPolicy']>(`/api/v1/tenants/${enc(tenantId)}/mfa-policy`),
  setTenantPolicy: (tenantId: string, required: boolean) => http.put<Schemas['TenantMfaPolicy']>(`/api/v1/tenants/${enc(tenantId)}/mfa-policy`, { partner_people_required: required }),
  sendResetLink: (userId: string) => http.post<Schemas['PasswordResetSent']>(`/api/v1/users/${enc(userId)}/password-reset`),
};

export const isSecondStep = (r: LoginResponse | LoginSecondStep): r is LoginSecondStep => 'mfa_required' in r && r.mfa_required === true;
