/**
 * The identity module's shared shapes: what its parts (sessions, API tokens, users, invitations)
 * and the modules that own a scope (tenants, partners) agree on.
 */
import type { Tx } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { SecretHasher } from '../../platform/crypto.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { Db } from '../../platform/db/database.ts';
import type { RateLimiter } from '../../platform/ratelimit/index.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';

export const API_TOKEN_PREFIX = 'pgpat';
/** Why an API token was revoked: by its owner, or because the operator disabled the account. */
export type ApiTokenRevokedReason = 'owner' | 'user_disabled';

export interface IdentityDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  hasher: SecretHasher;
  /** the shared rate limiter: failed logins per email and per IP are counted in it (see login-throttle.ts) */
  loginLimiter: RateLimiter;
  loginMaxAttempts: number;
  loginWindowSec: number;
  sessionIdleTimeoutSec: number;
  sessionAbsoluteTimeoutSec: number;
  scryptCost: number;
  publicUrl: string;
  /** SECRET_KEY: encrypts what must be read back (TOTP seeds) */
  secretKey: string;
  /** e-mail out (password-reset links) */
  mailer?: Mailer | null;
  /** a password-reset mail that could not be sent after the answer (logged by the caller) */
  onMailError?: (err: unknown) => void;
  /** how long a password-reset link works */
  passwordResetTtlSec?: number;
  /** a login limiter store failure (logged by the caller) */
  onLimiterError?: (err: unknown) => void;
  /** a database lookup of the API token index failed (logged by the caller) */
  onIndexError?: (err: unknown) => void;
  /** may this address use a password here (set with IdentityService.setPasswordGate; single sign-on's "require single sign-on") */
  passwordGate?: PasswordGate;
  /** where the browser goes on after signing out (set with IdentityService.setSignOutHandoff; single sign-on's single logout) */
  signOutHandoff?: SignOutHandoff;
}

/**
 * Asked before a password sign-in or a password-reset link: null to go on, or the error to answer
 * with (the organization requires its company sign-in for this address). Called with the account,
 * when there is one, whatever the password given, so the refusal says nothing about the password.
 */
/**
 * Read before a session ends (its id): null, or what to call once it has ended for the address the browser
 * goes on to — the organization's provider's sign-out page — or null when there is none.
 */
export type SignOutHandoff = (sessionId: string) => Promise<(() => Promise<string | null>) | null>;

export type PasswordGate = (email: string, userId: string | null, purpose: 'sign_in' | 'password_reset') => Promise<Error | null>;

export type ScopeType = 'tenant' | 'partner';

/** What an inviter gets back: the same shape whether or not the email has an account. */
/** Called in the transaction of a new invitation, with its one-time link (e.g. to e-mail it). */
export type InvitationSentHook = (trx: Tx, invitation: InvitationLink & { scopeType: ScopeType; scopeId: string; invitedBy: string | null; acceptLanguage?: string | null }) => Promise<void>;

export interface InvitationLink {
  id: string;
  email: string;
  role: string;
  /** the one-time link for the invitee; shown once */
  url: string;
  expires_at: string;
}

/**
 * A member joining a tenant or a partner — by an accepted invitation (`invitationId`), the demo
 * world or a test's world. Tenants and partners each have one `addMember(trx, member, audit)`
 * that writes it (the row, its change-feed entry and, unless world building, its audit event).
 */
export interface NewMember {
  /** the tenant or the partner */
  scopeId: string;
  userId: string;
  role: string;
  invitedBy: string | null;
  /** the invitation accepted, if it came from one */
  invitationId: string | null;
}

/**
 * The invitation-acceptance contract, the same for tenants and partners: adds the member when one
 * of the scope's invitations is accepted, in the acceptance's transaction; throws an AppError to
 * refuse (the scope is gone, the role unknown, already a member).
 */
export type InvitationAcceptor = (trx: Tx, ctx: RequestContext, member: NewMember & { invitationId: string }) => Promise<void>;

/**
 * Ends, in the transaction that disables a user, what another module holds for them (the OAuth
 * module's member grants); what it returns joins the details of the `user.disabled` audit event.
 */
export type UserDisabledHook = (trx: Tx, ctx: RequestContext, userId: string) => Promise<Record<string, unknown>>;

/**
 * Ends, in the transaction that ends one organization membership (removed, by an admin or by that
 * organization's directory; a deactivated one only suspends), what another module holds for the person *with
 * that organization only* (the OAuth module's member grants of the partner's apps); the account
 * and its other memberships stay. What it returns joins the details of the membership's audit event.
 */
export type MembershipEndedHook = (trx: Tx, ctx: RequestContext, scope: { type: ScopeType; id: string }, userId: string) => Promise<Record<string, unknown>>;

/** A credential the in-memory indexes vouch for (see credentialFromMemory). */
/** A credential the in-memory indexes vouch for; `entry` is the index's own entry (what is remembered with it is keyed by it, and goes with it). */
export type MemoryCredential = ({ kind: 'api_token'; userId: string; tokenId: string } | { kind: 'session'; userId: string; sessionId: string; csrfToken: string; mfa: boolean }) & { entry: object };

export type AuthResult = { ok: true; principal: Principal } | { ok: false; code: 'session_expired' | 'invalid_token' | 'user_inactive'; detail: string };
