/**
 * Portal sessions: login (throttled, audited either way), logout, the session cookie checked
 * against the database (idle + absolute timeouts), and the in-memory session index the gateway's
 * request path reads.
 */
import { emailForLookup } from '../../platform/email-address.ts';
import { enterDbContext, mutate, type Tx } from '../../platform/db/database.ts';
import { membershipsWithCommit, type Memberships } from './membership-reads.ts';
import { dummyPasswordHash, randomToken, sha256, verifyPassword } from '../../platform/crypto.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Principal } from '../../platform/http/principal.ts';
import { authzErrors } from '../authz/index.ts';
import { identityErrors as E } from './identity.errors.ts';
import * as repo from './identity.repo.ts';
import type { AuthResult, IdentityDeps } from './identity.types.ts';
import { LoginThrottle } from './login-throttle.ts';
import { principalOf } from './principals.ts';
import { SessionIndex, SESSION_TOUCH_EVERY_MS, outlivesPolicy } from './session-index.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import * as mfaRepo from './mfa.repo.ts';
import { AMR_PASSWORD, CHALLENGE_TTL_MS, MAX_CHALLENGE_ATTEMPTS, hasMfa, parseAmr, type MfaService, type SecondFactorProof } from './mfa.service.ts';
import { problemDetails as PD } from './identity.problem-details.ts';

export type SecondFactorMethod = 'totp' | 'passkey' | 'recovery_code';

export type LoginOutcome =
  | { mfaRequired: false; token: string; csrfToken: string; expiresAt: string; userId: string; amr: readonly string[]; user: repo.UserRow; memberships: Promise<Memberships> }
  | { mfaRequired: true; mfaToken: string; methods: SecondFactorMethod[]; expiresAt: string; userId: string };

/** Runs in the transaction that opens a session, after its row is written (single sign-on links it to the provider's session). */
export type OnSessionOpen = (trx: Tx, sessionId: string, expiresAt: string) => Promise<void>;

export class SessionsService {
  readonly #d: IdentityDeps;
  readonly #mfa: MfaService;
  readonly #loginThrottle: LoginThrottle;
  /** live portal sessions in memory (the gateway's request path) */
  readonly index: SessionIndex;
  constructor(deps: IdentityDeps, mfa: MfaService) {
    this.#d = deps;
    this.#mfa = mfa;
    this.#loginThrottle = new LoginThrottle({ limiter: deps.loginLimiter, maxFailures: deps.loginMaxAttempts, windowSec: deps.loginWindowSec });
    this.index = new SessionIndex({ clock: deps.clock, idleTimeoutSec: deps.sessionIdleTimeoutSec });
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  async login(ctx: RequestContext, email: string, password: string): Promise<LoginOutcome> {
    const normalized = emailForLookup(email);
    // Counts failed checks, not attempts; waits for a turn rather than refusing (login-throttle.ts).
    const attempt = await this.#loginThrottle.begin(normalized, ctx.ip);
    let user: (repo.UserRow & { mfaEnrolled: boolean }) | undefined;
    let ok: boolean;
    try {
      user = await repo.findUserSigningIn(this.#d.db.kysely, normalized);
      // Spend the same time whether or not the user exists (no account enumeration by timing).
      ok = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash(this.#d.scryptCost)));
    } catch (e) {
      // Not a failed attempt: we could not check.
      attempt.abandon();
      throw e;
    }
    // The organization requires its company sign-in for this address: refused whatever the password.
    const gate = await this.#d.passwordGate?.(normalized, user?.id ?? null, 'sign_in');
    if (gate) {
      attempt.abandon();
      await mutate(this.#d.db, (trx) =>
        this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'anonymous', userId: user?.id ?? null } }, {
          action: 'user.login_failed',
          outcome: 'failure',
          targetType: 'user',
          targetId: user?.id ?? null,
          details: { email: normalized, reason: 'single_sign_on_required' },
        }),
      );
      throw gate;
    }
    if (!user || !ok || user.status !== 'active') {
      await attempt.failed();
      await mutate(this.#d.db, (trx) =>
        this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'anonymous', userId: user?.id ?? null } }, {
          action: 'user.login_failed',
          outcome: 'failure',
          targetType: 'user',
          targetId: user?.id ?? null,
          details: { email: normalized, reason: !user ? 'unknown_email' : !ok ? 'wrong_password' : 'user_' + user.status },
        }),
      );
      // Only someone who knows the password learns that the account is disabled.
      if (user && ok) throw authzErrors.user_inactive(PD.accountDisabledContactAdministrator);
      throw E.invalid_credentials();
    }
    // The account's failures are forgotten; the address keeps its own.
    await attempt.succeeded();
    // A second factor is set up: no session yet, a short-lived second step instead.
    const { mfaEnrolled, ...row } = user;
    if (mfaEnrolled) return this.#beginSecondStep(ctx, row);
    return this.#openSession(ctx, row, AMR_PASSWORD);
  }

  async #beginSecondStep(ctx: RequestContext, user: repo.UserRow): Promise<LoginOutcome> {
    const token = this.#mfa.newChallengeToken();
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString();
    const status = await this.#mfa.status(user.id);
    await mutate(this.#d.db, async (trx) => {
      await mfaRepo.insertChallenge(trx, { id: this.#mfa.challengeId(token), user_id: user.id, purpose: 'login', challenge: null, created_at: now.toISOString(), expires_at: expiresAt });
      await this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'anonymous', userId: user.id } }, { action: 'user.login_password_verified', targetType: 'user', targetId: user.id, details: { next: 'second_factor' } });
    });
    const methods: SecondFactorMethod[] = [];
    if (status.totp.enabled) methods.push('totp');
    if (status.passkeys.length > 0) methods.push('passkey');
    if (status.recovery_codes.unused > 0) methods.push('recovery_code');
    return { mfaRequired: true, mfaToken: token, methods, expiresAt, userId: user.id };
  }

  /** The login challenge behind a second-step token, still open; else mfa_challenge_expired. */
  async #loginChallenge(mfaToken: string): Promise<{ row: mfaRepo.ChallengeRow; user: repo.UserRow }> {
    const db = this.#d.db.kysely;
    const row = await mfaRepo.findChallenge(db, this.#mfa.challengeId(mfaToken));
    const user = row ? await repo.findUserById(db, row.user_id) : undefined;
    if (!row || row.purpose !== 'login' || row.expires_at <= this.#now().toISOString() || row.attempts >= MAX_CHALLENGE_ATTEMPTS || !user || user.status !== 'active') {
      throw E.mfa_challenge_expired(PD.signHasExpiredEnter);
    }
    return { row, user };
  }

  /** WebAuthn options for the sign-in second step with a passkey. */
  async loginPasskeyOptions(mfaToken: string) {
    const { row, user } = await this.#loginChallenge(mfaToken);
    return this.#mfa.passkeyAssertionOptions(user.id, row.id, 'login');
  }

  /** The sign-in second step: a code, a recovery code or a passkey; then the session (amr with "mfa"). */
  async completeLogin(ctx: RequestContext, mfaToken: string, proof: SecondFactorProof): Promise<LoginOutcome> {
    const { row, user } = await this.#loginChallenge(mfaToken);
    let amr;
    try {
      amr = await this.#mfa.prove(ctx, user.id, user.email, proof, row.challenge);
    } catch (e) {
      // Each wrong answer counts on this sign-in too: after MAX_CHALLENGE_ATTEMPTS it must start over.
      if (e instanceof AppError && e.status === 401) await mfaRepo.countChallengeFailure(this.#d.db.kysely, row.id);
      throw e;
    }
    // single use: a second request with the same token (a replay, a double click) opens nothing
    if (!(await mfaRepo.takeChallenge(this.#d.db.kysely, row.id))) throw E.mfa_challenge_expired(PD.signWasCompletedAlready);
    return this.#openSession(ctx, user, amr);
  }

  /** A session for a person their organization's identity provider signed in (IdentityService.openFederatedSession). */
  async openFederated(ctx: RequestContext, userId: string, amr: readonly string[], onOpen?: OnSessionOpen): Promise<LoginOutcome> {
    const user = await repo.findUserById(this.#d.db.kysely, userId);
    if (!user || user.status !== 'active') throw authzErrors.user_inactive(PD.accountDisabledContactAdministrator);
    return this.#openSession(ctx, user, amr, onOpen);
  }

  async #openSession(ctx: RequestContext, user: repo.UserRow, amr: readonly string[], onOpen?: OnSessionOpen): Promise<LoginOutcome> {
    const now = this.#now();
    const token = randomToken(32);
    const csrfToken = randomToken(24);
    const expiresAt = new Date(now.getTime() + this.#d.sessionAbsoluteTimeoutSec * 1000).toISOString();
    const later = await mutate(this.#d.db, async (trx) => {
      await repo.insertSession(trx, {
        id: sha256(token),
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: expiresAt,
        ip: ctx.ip,
        user_agent: ctx.userAgent?.slice(0, 512) ?? null,
        amr: JSON.stringify(amr),
        mfa_at: hasMfa(amr) ? now.toISOString() : null,
      });
      await onOpen?.(trx, sha256(token), expiresAt);
      await repo.recordLastLogin(trx, user.id, now.toISOString());
      await this.#d.feed.record(trx, 'session', sha256(token));
      await this.#endSessionsOverLimit(trx, ctx, user.id, sha256(token));
      await this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'user', userId: user.id } }, {
        action: 'user.logged_in',
        targetType: 'user',
        targetId: user.id,
        details: { amr: [...amr] },
      });
      // the answer's memberships, read in the person's own context with the COMMIT (the rows
      // above keep the context they were made in)
      await enterDbContext(this.#d.db, trx, { kind: 'user', userId: user.id });
      return membershipsWithCommit(trx, user.id);
    });
    await this.#d.feed.kick();
    // a federated sign-in answers with a redirect, not with them
    later.memberships.catch(() => {});
    return { mfaRequired: false, token, csrfToken, expiresAt, userId: user.id, amr, user, memberships: later.memberships };
  }

  /**
   * The user's partner allows at most `maxSessions` sessions at once (its configuration's session
   * policy): signing in ends the user's oldest sessions over it — as Keycloak does —
   * each audited as `user.session_ended` with the reason, and reaching every instance through the
   * change feed. Runs in the sign-in's transaction, after the new session is written.
   */
  async #endSessionsOverLimit(trx: Tx, ctx: RequestContext, userId: string, keepId: string): Promise<void> {
    const max = this.index.policy?.(userId)?.maxSessions ?? null;
    if (max === null) return;
    const now = this.#now().toISOString();
    const live = await repo.liveSessionsOf(trx, userId, now, keepId);
    for (const old of live.slice(Math.max(0, max - 1))) {
      await repo.deleteSession(trx, old.id);
      await this.#d.feed.record(trx, 'session', old.id);
      await this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, type: 'user', userId } }, {
        action: 'user.session_ended',
        targetType: 'user',
        targetId: userId,
        details: { reason: 'max_sessions', max_sessions: max, signed_in_at: old.created_at },
      });
    }
  }

  async logout(ctx: RequestContext, principal: Principal): Promise<void> {
    if (!principal.sessionId) return;
    const sessionId = principal.sessionId;
    await mutate(this.#d.db, async (trx) => {
      await repo.deleteSession(trx, sessionId);
      await this.#d.feed.record(trx, 'session', sessionId);
      await this.#d.audit.record(trx, ctx, { action: 'user.logged_out', targetType: 'user', targetId: principal.userId });
    });
    await this.#d.feed.kick();
  }

  /**
   * End these sessions (ids: SHA-256 of the cookies) as a logout does — deleted, and the change feed
   * tells every instance — each audited as `user.session_ended` with `details` (why, and who asked).
   */
  async endSessions(ctx: RequestContext, sessions: readonly { id: string; userId: string }[], details: Record<string, unknown>): Promise<void> {
    if (sessions.length === 0) return;
    await mutate(this.#d.db, async (trx) => {
      for (const s of sessions) {
        await repo.deleteSession(trx, s.id);
        await this.#d.feed.record(trx, 'session', s.id);
        await this.#d.audit.record(trx, ctx, { action: 'user.session_ended', targetType: 'user', targetId: s.userId, details });
      }
    });
    await this.#d.feed.kick();
  }

  async authenticate(token: string): Promise<AuthResult> {
    const db = this.#d.db.kysely;
    const mark = this.index.mark;
    // the session and its user in one read; the memberships in one more (principalOf)
    const found = await repo.findSessionWithUser(db, sha256(token));
    if (!found) return { ok: false, code: 'session_expired', detail: 'The session has ended; log in again.' };
    const { session, user } = found;
    const now = this.#now();
    const idleDeadline = new Date(session.last_seen_at).getTime() + this.#d.sessionIdleTimeoutSec * 1000;
    const policy = this.index.policy?.(session.user_id) ?? null;
    if (now.toISOString() >= session.expires_at || now.getTime() >= idleDeadline || outlivesPolicy(policy, Date.parse(session.created_at), Date.parse(session.last_seen_at), now.getTime())) {
      await repo.deleteSession(db, session.id);
      this.index.forget(session.id);
      return { ok: false, code: 'session_expired', detail: 'The session has expired; log in again.' };
    }
    if (!user || user.status !== 'active') {
      await repo.deleteSession(db, session.id);
      this.index.forget(session.id);
      return { ok: false, code: 'session_expired', detail: 'The session has ended; log in again.' };
    }
    if (now.getTime() - new Date(session.last_seen_at).getTime() > SESSION_TOUCH_EVERY_MS) {
      await repo.touchSession(db, session.id, now.toISOString());
      session.last_seen_at = now.toISOString();
    }
    // what the database says is what the gateway's index holds from now on (a login on another
    // instance not delivered yet, activity elsewhere that kept the session alive)
    this.index.remember(session, mark);
    return { ok: true, principal: await principalOf(this.#d.db, user, 'session', { sessionId: session.id, csrfToken: session.csrf_token, amr: parseAmr(session.amr) }) };
  }

  async purgeExpired(): Promise<void> {
    await repo.deleteExpiredSessions(this.#d.db.kysely, this.#now().toISOString());
  }
}
