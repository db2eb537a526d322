/**
 * Second factors: an authenticator app (TOTP, RFC 6238, via `otpauth`) with one-time
 * recovery codes, and passkeys (WebAuthn, via `@simplewebauthn/server`). Every user may enrol
 * them; proving one is what makes a session (and the OAuth tokens issued from it) carry
 * amr ["pwd", "otp"|"hwk", "mfa"] — what MFA policies ask for.
 *
 * Secrets: the TOTP seed is stored encrypted (it must be read back to check codes) and leaves the
 * server once, in the enrolment answer; recovery codes are shown once and stored as keyed hashes.
 * Neither is ever logged or put in an audit event.
 *
 * Replays: a TOTP time step is accepted once (a compare-and-set on last_counter), a recovery code
 * once (a compare-and-set on used_at), a WebAuthn challenge once (the row is taken).
 */
import { randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { mutate, type Tx } from '../../platform/db/database.ts';
import { decryptWithSecret, encryptWithSecret, randomToken } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { identityErrors as E } from './identity.errors.ts';
import * as repo from './identity.repo.ts';
import * as mfaRepo from './mfa.repo.ts';
import type { IdentityDeps } from './identity.types.ts';
import { LoginThrottle } from './login-throttle.ts';
import { problemDetails as PD } from './identity.problem-details.ts';

/** A proof of a second factor, as a sign-in second step or a step-up sends it. */
export type SecondFactorProof = { code: string } | { recovery_code: string } | { passkey: AuthenticationResponseJSON };

export type Amr = readonly string[];
export const AMR_PASSWORD: Amr = ['pwd'];
/** What the session records for each proof (RFC 8176 values). */
export const AMR_TOTP: Amr = ['pwd', 'otp', 'mfa'];
export const AMR_PASSKEY: Amr = ['pwd', 'hwk', 'mfa'];
export const hasMfa = (amr: readonly string[] | null | undefined): boolean => !!amr && amr.includes('mfa');
/** The `acr` that goes with an amr: NIST SP 800-63B assurance levels. */
export const acrOf = (amr: readonly string[] | null | undefined): string => (hasMfa(amr) ? 'urn:partnergate:aal2' : 'urn:partnergate:aal1');

export function parseAmr(text: string | null | undefined): string[] {
  if (!text) return ['pwd'];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : ['pwd'];
  } catch {
    return ['pwd'];
  }
}

const RECOVERY_CODES = 10;
const TOTP_PERIOD = 30;
/** How long a WebAuthn ceremony or a sign-in second step may take. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** A step-up counts for this long: a sensitive change needs a second factor proven within it. */
export const STEP_UP_WINDOW_MS = 10 * 60_000;
/** Wrong codes one sign-in second step may receive before it must start again. */
export const MAX_CHALLENGE_ATTEMPTS = 5;

export interface MfaStatus {
  totp: { enabled: boolean; confirmed_at: string | null; last_used_at: string | null };
  recovery_codes: { total: number; unused: number };
  passkeys: { id: string; name: string; created_at: string; last_used_at: string | null }[];
  enabled: boolean;
}

export class MfaService {
  readonly #d: IdentityDeps;
  readonly #throttle: LoginThrottle;
  readonly #rpId: string;
  readonly #origin: string;
  constructor(deps: IdentityDeps) {
    this.#d = deps;
    // Wrong codes are throttled like wrong passwords: per account and per address.
    this.#throttle = new LoginThrottle({ limiter: deps.loginLimiter, maxFailures: deps.loginMaxAttempts, windowSec: deps.loginWindowSec });
    const u = new URL(deps.publicUrl);
    this.#rpId = u.hostname;
    this.#origin = u.origin;
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  #totp(secret: OTPAuth.Secret, email: string): OTPAuth.TOTP {
    return new OTPAuth.TOTP({ issuer: 'Partnergate', label: email, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD, secret });
  }

  #recoveryHash(userId: string, code: string): string {
    return this.#d.hasher.hash(`mfa-recovery:${userId}:${code.replace(/[\s-]/g, '').toLowerCase()}`);
  }

  /** Has the user any second factor? (a confirmed authenticator app or a passkey) */
  enrolled(userId: string, db = this.#d.db.kysely): Promise<boolean> {
    return mfaRepo.isEnrolled(db, userId);
  }

  async status(userId: string): Promise<MfaStatus> {
    const db = this.#d.db.kysely;
    const [t, codes, keys] = await Promise.all([mfaRepo.findTotp(db, userId), mfaRepo.countRecoveryCodes(db, userId), mfaRepo.listPasskeys(db, userId)]);
    const totpOn = t?.status === 'active';
    return {
      totp: { enabled: totpOn, confirmed_at: totpOn ? t.confirmed_at : null, last_used_at: totpOn ? t.last_used_at : null },
      recovery_codes: codes,
      passkeys: keys.map((k) => ({ id: k.id, name: k.name, created_at: k.created_at, last_used_at: k.last_used_at })),
      enabled: totpOn || keys.length > 0,
    };
  }

  /**
   * A sensitive change to one's own factors needs a second factor proven in this session within
   * STEP_UP_WINDOW — once the user has one (the first enrolment needs none).
   */
  async requireFreshMfa(principal: Principal): Promise<void> {
    if (!(await this.enrolled(principal.userId))) return;
    if (!principal.sessionId) throw E.step_up_required(PD.confirmSecondFactorSign);
    const s = await repo.findSession(this.#d.db.kysely, principal.sessionId);
    if (!s?.mfa_at || this.#now().getTime() - Date.parse(s.mfa_at) > STEP_UP_WINDOW_MS) {
      throw E.step_up_required(PD.confirmEnterCodeFrom);
    }
  }

  /** When this session last proved a second factor (null: never). */
  async sessionMfaAt(sessionId: string): Promise<string | null> {
    return (await repo.findSession(this.#d.db.kysely, sessionId))?.mfa_at ?? null;
  }

  // ---- authenticator app ---------------------------------------------------------------------

  /** Start (or restart) setting up an authenticator app: a new seed, shown once, active only once a code from it is confirmed. */
  async startTotp(ctx: RequestContext, principal: Principal): Promise<{ secret: string; otpauth_url: string; qr_svg: string }> {
    const t = await mfaRepo.findTotp(this.#d.db.kysely, principal.userId);
    if (t?.status === 'active') throw E.mfa_already_enabled(PD.authenticatorAppAlreadySet);
    await this.requireFreshMfa(principal);
    const secret = new OTPAuth.Secret({ size: 20 });
    const totp = this.#totp(secret, principal.email);
    await mutate(this.#d.db, async (trx) => {
      await mfaRepo.upsertPendingTotp(trx, {
        user_id: principal.userId,
        secret_enc: encryptWithSecret(this.#d.secretKey, secret.base32),
        status: 'pending',
        created_at: this.#now().toISOString(),
        confirmed_at: null,
        last_used_at: null,
      });
      await this.#d.audit.record(trx, ctx, { action: 'user.mfa_totp_setup_started', targetType: 'user', targetId: principal.userId });
    });
    const url = totp.toString();
    const qr = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    return { secret: secret.base32, otpauth_url: url, qr_svg: qr };
  }

  /** Confirm the app with a code from it: it is on from now, recovery codes are issued (shown once), and this session counts as MFA. */
  async confirmTotp(ctx: RequestContext, principal: Principal, code: string): Promise<{ recovery_codes: string[] }> {
    const t = await mfaRepo.findTotp(this.#d.db.kysely, principal.userId);
    if (!t || t.status !== 'pending') throw E.mfa_not_enrolled(PD.startSettingUpAuthenticator);
    const attempt = await this.#throttle.begin(`mfa:${principal.userId}`, ctx.ip);
    const counter = this.#checkTotp(t, principal.email, code);
    if (counter === null) {
      await attempt.failed();
      await this.#auditFailure(ctx, principal.userId, 'totp_setup');
      throw E.mfa_code_invalid(PD.codeNotRightEnter);
    }
    await attempt.succeeded();
    const now = this.#now().toISOString();
    const codes = newRecoveryCodes();
    await mutate(this.#d.db, async (trx) => {
      await mfaRepo.updateTotp(trx, principal.userId, { status: 'active', confirmed_at: now, last_used_at: now, last_counter: counter });
      await this.#writeRecoveryCodes(trx, principal.userId, codes);
      await this.#markSession(trx, principal, AMR_TOTP);
      await this.#d.audit.record(trx, ctx, { action: 'user.mfa_totp_enabled', targetType: 'user', targetId: principal.userId, details: { recovery_codes_issued: codes.length } });
    });
    await this.#d.feed.kick();
    return { recovery_codes: codes };
  }

  async removeTotp(ctx: RequestContext, principal: Principal): Promise<void> {
    await this.requireFreshMfa(principal);
    await mutate(this.#d.db, async (trx) => {
      if (!(await mfaRepo.deleteTotp(trx, principal.userId))) throw E.mfa_not_enrolled(PD.noAuthenticatorAppSet);
      // recovery codes back up the app; without it they go too, unless passkeys remain
      if ((await mfaRepo.listPasskeys(trx, principal.userId)).length === 0) await mfaRepo.deleteRecoveryCodes(trx, principal.userId);
      await this.#d.audit.record(trx, ctx, { action: 'user.mfa_totp_removed', targetType: 'user', targetId: principal.userId });
    });
  }

  /** New recovery codes (the old ones stop working), shown once. */
  async regenerateRecoveryCodes(ctx: RequestContext, principal: Principal): Promise<{ recovery_codes: string[] }> {
    if (!(await this.enrolled(principal.userId))) throw E.mfa_not_enrolled(PD.setUpAuthenticatorApp);
    await this.requireFreshMfa(principal);
    const codes = newRecoveryCodes();
    await mutate(this.#d.db, async (trx) => {
      await this.#writeRecoveryCodes(trx, principal.userId, codes);
      await this.#d.audit.record(trx, ctx, { action: 'user.mfa_recovery_codes_regenerated', targetType: 'user', targetId: principal.userId, details: { recovery_codes_issued: codes.length } });
    });
    return { recovery_codes: codes };
  }

  async #writeRecoveryCodes(trx: Tx, userId: string, codes: string[]): Promise<void> {
    const now = this.#now().toISOString();
    await mfaRepo.replaceRecoveryCodes(
      trx,
      userId,
      codes.map((c) => ({ id: newId('mrc'), user_id: userId, code_hash: this.#recoveryHash(userId, c), created_at: now, used_at: null })),
    );
  }

  /** The time step a code matches (±1 step of clock drift), or null. */
  #checkTotp(t: mfaRepo.TotpRow, email: string, code: string): number | null {
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return null;
    const secret = OTPAuth.Secret.fromBase32(decryptWithSecret(this.#d.secretKey, t.secret_enc));
    const nowMs = this.#d.clock.nowMs();
    const delta = this.#totp(secret, email).validate({ token, timestamp: nowMs, window: 1 });
    if (delta === null) return null;
    const counter = Math.floor(nowMs / 1000 / TOTP_PERIOD) + delta;
    return counter > t.last_counter ? counter : null;
  }

  /** The demo world's authenticator app (a seed derived from the installation secret); no-op when one is set up. */
  async seedDemoTotp(userId: string, secretBase32: string): Promise<void> {
    await mutate(this.#d.db, async (trx) => {
      if ((await mfaRepo.findTotp(trx, userId))?.status === 'active') return;
      const now = this.#now().toISOString();
      await mfaRepo.upsertPendingTotp(trx, { user_id: userId, secret_enc: encryptWithSecret(this.#d.secretKey, secretBase32), status: 'active', created_at: now, confirmed_at: now, last_used_at: null });
    });
  }

  // ---- passkeys -----------------------------------------------------------------------------------

  async passkeyRegistrationOptions(ctx: RequestContext, principal: Principal): Promise<PublicKeyCredentialCreationOptionsJSON> {
    await this.requireFreshMfa(principal);
    const existing = await mfaRepo.listPasskeys(this.#d.db.kysely, principal.userId);
    const options = await generateRegistrationOptions({
      rpName: 'Partnergate',
      rpID: this.#rpId,
      userName: principal.email,
      userDisplayName: principal.name,
      userID: new TextEncoder().encode(principal.userId),
      attestationType: 'none',
      excludeCredentials: existing.map((k) => ({ id: k.credential_id, transports: JSON.parse(k.transports) as AuthenticatorTransport[] })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await this.#putChallenge(principal.userId, 'passkey_register', `passkey_register:${principal.userId}`, options.challenge);
    void ctx;
    return options;
  }

  async registerPasskey(ctx: RequestContext, principal: Principal, name: string, response: RegistrationResponseJSON): Promise<MfaStatus['passkeys'][number]> {
    const challenge = await this.#takeChallenge(`passkey_register:${principal.userId}`, principal.userId, 'passkey_register');
    let info;
    try {
      const v = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: this.#origin, expectedRPID: this.#rpId, requireUserVerification: false });
      if (!v.verified) throw new Error('not verified');
      info = v.registrationInfo;
    } catch {
      throw E.passkey_invalid(PD.passkeyCouldNotVerified);
    }
    const now = this.#now().toISOString();
    const id = newId('pky');
    await mutate(this.#d.db, async (trx) => {
      if (await mfaRepo.findPasskeyByCredential(trx, info.credential.id)) throw E.passkey_invalid(PD.passkeyAlreadyRegistered);
      await mfaRepo.insertPasskey(trx, {
        id,
        user_id: principal.userId,
        credential_id: info.credential.id,
        public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: JSON.stringify(info.credential.transports ?? []),
        name,
        created_at: now,
        last_used_at: null,
      });
      // A passkey just created in this session is a second factor proven now.
      await this.#markSession(trx, principal, AMR_PASSKEY);
      await this.#d.audit.record(trx, ctx, { action: 'user.mfa_passkey_added', targetType: 'user', targetId: principal.userId, details: { passkey_id: id, name } });
    });
    await this.#d.feed.kick();
    return { id, name, created_at: now, last_used_at: null };
  }

  async renamePasskey(ctx: RequestContext, principal: Principal, id: string, name: string): Promise<void> {
    await mutate(this.#d.db, async (trx) => {
      const keys = await mfaRepo.listPasskeys(trx, principal.userId);
      if (!keys.some((k) => k.id === id)) throw E.passkey_not_found();
      await mfaRepo.updatePasskey(trx, id, { name });
      await this.#d.audit.record(trx, ctx, { action: 'user.mfa_passkey_renamed', targetType: 'user', targetId: principal.userId, details: { passkey_id: id, name } });
    });
  }

  async removePasskey(ctx: RequestContext, principal: Principal, id: string): Promise<void> {
    await this.requireFreshMfa(principal);
    await mutate(this.#d.db, async (trx) => {
      const row = await mfaRepo.deletePasskey(trx, principal.userId, id);
      if (!row) throw E.passkey_not_found();
      const t = await mfaRepo.findTotp(trx, principal.userId);
      if (t?.status !== 'active' && (await mfaRepo.listPasskeys(trx, principal.userId)).length === 0) await mfaRepo.deleteRecoveryCodes(trx, principal.userId);
      await this.#d.audit.record(trx, ctx, { action: 'user.mfa_passkey_removed', targetType: 'user', targetId: principal.userId, details: { passkey_id: id, name: row.name } });
    });
  }

  /** WebAuthn options to prove a passkey, for the challenge row `challengeId` (a sign-in second step or a step-up). */
  async passkeyAssertionOptions(userId: string, challengeId: string, purpose: 'login' | 'step_up'): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const keys = await mfaRepo.listPasskeys(this.#d.db.kysely, userId);
    if (keys.length === 0) throw E.passkey_not_found(PD.noPasskeyRegisteredAccount);
    const options = await generateAuthenticationOptions({
      rpID: this.#rpId,
      allowCredentials: keys.map((k) => ({ id: k.credential_id, transports: JSON.parse(k.transports) as AuthenticatorTransport[] })),
      userVerification: 'preferred',
    });
    if (purpose === 'login') await mfaRepo.updateChallenge(this.#d.db.kysely, challengeId, { challenge: options.challenge });
    else await this.#putChallenge(userId, 'step_up', challengeId, options.challenge);
    return options;
  }

  // ---- proving a factor -------------------------------------------------------------------------

  /**
   * Check a proof for `userId`; the amr it earns, or an AppError (mfa_code_invalid,
   * passkey_invalid, login_throttled). `challenge` is the WebAuthn challenge the options carried.
   */
  async prove(ctx: RequestContext, userId: string, email: string, proof: SecondFactorProof, challenge: string | null): Promise<Amr> {
    const db = this.#d.db.kysely;
    if ('passkey' in proof) return this.#provePasskey(ctx, userId, proof.passkey, challenge);
    const attempt = await this.#throttle.begin(`mfa:${userId}`, ctx.ip);
    const now = this.#now().toISOString();
    if ('code' in proof) {
      const t = await mfaRepo.findTotp(db, userId);
      const counter = t?.status === 'active' ? this.#checkTotp(t, email, proof.code) : null;
      if (counter !== null && (await mfaRepo.advanceTotpCounter(db, userId, counter, now))) {
        await attempt.succeeded();
        return AMR_TOTP;
      }
      await attempt.failed();
      await this.#auditFailure(ctx, userId, 'totp');
      throw E.mfa_code_invalid(PD.codeNotRightWas);
    }
    const ok = await mfaRepo.spendRecoveryCode(db, userId, this.#recoveryHash(userId, proof.recovery_code), now);
    if (!ok) {
      await attempt.failed();
      await this.#auditFailure(ctx, userId, 'recovery_code');
      throw E.mfa_code_invalid(PD.recoveryCodeNotRight);
    }
    await attempt.succeeded();
    await mutate(this.#d.db, (trx) => this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'user', userId } }, { action: 'user.mfa_recovery_code_used', targetType: 'user', targetId: userId }).then(() => undefined));
    return AMR_TOTP;
  }

  async #provePasskey(ctx: RequestContext, userId: string, response: AuthenticationResponseJSON, challenge: string | null): Promise<Amr> {
    const key = typeof response?.id === 'string' ? await mfaRepo.findPasskeyByCredential(this.#d.db.kysely, response.id) : undefined;
    if (!challenge || !key || key.user_id !== userId) {
      await this.#auditFailure(ctx, userId, 'passkey');
      throw E.passkey_invalid(PD.passkeyNotRegisteredAccount);
    }
    let newCounter: number;
    try {
      const v = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.#origin,
        expectedRPID: this.#rpId,
        credential: { id: key.credential_id, publicKey: Buffer.from(key.public_key, 'base64url'), counter: key.counter, transports: JSON.parse(key.transports) as AuthenticatorTransport[] },
        requireUserVerification: false,
      });
      if (!v.verified) throw new Error('not verified');
      newCounter = v.authenticationInfo.newCounter;
    } catch {
      await this.#auditFailure(ctx, userId, 'passkey');
      throw E.passkey_invalid(PD.passkeyInvalidPasskeyCouldNotVerified);
    }
    await mfaRepo.updatePasskey(this.#d.db.kysely, key.id, { counter: newCounter, last_used_at: this.#now().toISOString() });
    return AMR_PASSKEY;
  }

  /** Step-up: prove a factor again in this session; the session then counts as freshly MFA'd. */
  async stepUp(ctx: RequestContext, principal: Principal, proof: SecondFactorProof): Promise<{ amr: Amr; mfa_at: string }> {
    if (!principal.sessionId) throw E.step_up_required(PD.stepUpMadePortal);
    if (!(await this.enrolled(principal.userId))) throw E.mfa_not_enrolled(PD.setUpAuthenticatorApp);
    let challenge: string | null = null;
    if ('passkey' in proof) challenge = await this.#takeChallenge(`step_up:${principal.sessionId}`, principal.userId, 'step_up');
    const amr = await this.prove(ctx, principal.userId, principal.email, proof, challenge);
    const at = this.#now().toISOString();
    await mutate(this.#d.db, async (trx) => {
      await this.#markSession(trx, principal, amr);
      await this.#d.audit.record(trx, ctx, { action: 'user.mfa_step_up', targetType: 'user', targetId: principal.userId, details: { method: amr[1] } });
    });
    await this.#d.feed.kick();
    return { amr, mfa_at: at };
  }

  stepUpPasskeyOptions(principal: Principal): Promise<PublicKeyCredentialRequestOptionsJSON> {
    if (!principal.sessionId) throw E.step_up_required(PD.stepUpMadePortal);
    return this.passkeyAssertionOptions(principal.userId, `step_up:${principal.sessionId}`, 'step_up');
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /** The session now counts as MFA: the gateway and decide() see it from the next request (feed 'session'). */
  async #markSession(trx: Tx, principal: Principal, amr: Amr): Promise<void> {
    if (!principal.sessionId) return;
    await repo.markSessionMfa(trx, principal.sessionId, JSON.stringify(amr), this.#now().toISOString());
    await this.#d.feed.record(trx, 'session', principal.sessionId);
  }

  async #putChallenge(userId: string, purpose: mfaRepo.ChallengeRow['purpose'], id: string, challenge: string): Promise<void> {
    const now = this.#now();
    await mutate(this.#d.db, async (trx) => {
      await mfaRepo.deleteChallenge(trx, id);
      await mfaRepo.insertChallenge(trx, { id, user_id: userId, purpose, challenge, created_at: now.toISOString(), expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString() });
    });
  }

  async #takeChallenge(id: string, userId: string, purpose: mfaRepo.ChallengeRow['purpose']): Promise<string> {
    const db = this.#d.db.kysely;
    const row = await mfaRepo.findChallenge(db, id);
    if (!row || row.user_id !== userId || row.purpose !== purpose || !row.challenge || row.expires_at <= this.#now().toISOString() || !(await mfaRepo.takeChallenge(db, id))) {
      throw E.mfa_challenge_expired(PD.passkeyRequestHasExpired);
    }
    return row.challenge;
  }

  async #auditFailure(ctx: RequestContext, userId: string, method: string): Promise<void> {
    await mutate(this.#d.db, (trx) =>
      this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: ctx.actor.type === 'anonymous' ? 'anonymous' : ctx.actor.type, userId } }, {
        action: 'user.mfa_failed',
        outcome: 'failure',
        targetType: 'user',
        targetId: userId,
        details: { method },
      }).then(() => undefined),
    );
  }

  /** A new token for a challenge row (the sign-in second step): the row's id is its keyed hash. */
  challengeId(token: string): string {
    return this.#d.hasher.hash(`auth-challenge:${token}`);
  }

  newChallengeToken(): string {
    return randomToken(32);
  }
}

/** Ten codes like `k3f9-x2mq`: 40 bits each, from an alphabet without look-alikes. */
function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const out: string[] = [];
  for (let i = 0; i < RECOVERY_CODES; i++) {
    let s = '';
    for (let j = 0; j < 8; j++) s += alphabet[randomInt(alphabet.length)];
    out.push(`${s.slice(0, 4)}-${s.slice(4)}`);
  }
  return out;
}
