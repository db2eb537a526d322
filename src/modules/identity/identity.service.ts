/**
 * Identities, as one service for the rest of the application: its parts live in their own files —
 *   sessions.service.ts     login, logout, the session cookie, the session index
 *   api-tokens.service.ts   personal API tokens, the bearer, the token index
 *   users.service.ts        accounts, enable/disable, operator bootstrap, profile and password
 *   invitations.service.ts  invitations and the acceptance contract tenants and partners share
 *   principals.ts           turning credentials into a Principal, and /me
 * This class wires them and keeps the methods callers use.
 */
import { negotiateLocale, type Locale } from '../../platform/i18n/locales.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { Principal } from '../../platform/http/principal.ts';
import { constantTimeEqual, sha256 } from '../../platform/crypto.ts';
import { ApiTokensService } from './api-tokens.service.ts';
import type { ApiTokenIndex } from './api-token-index.ts';
import type * as repo from './identity.repo.ts';
import { API_TOKEN_PREFIX, type AuthResult, type IdentityDeps, type PasswordGate, type SignOutHandoff, type InvitationAcceptor, type InvitationLink, type InvitationSentHook, type MemoryCredential, type ScopeType, type UserDisabledHook, type MembershipEndedHook } from './identity.types.ts';
import { InvitationsService } from './invitations.service.ts';
import { Passwords } from './password-policy.ts';
import { describePrincipal, describeSignedIn } from './principals.ts';
import { localePreferencesOf } from './locale-reads.ts';
import type { SessionIndex } from './session-index.ts';
import { PrincipalProfiles } from './principal-profiles.ts';
import { SessionsService, type LoginOutcome, type OnSessionOpen } from './sessions.service.ts';
import { MfaService, type SecondFactorProof } from './mfa.service.ts';
import { PasswordResetService } from './password-reset.service.ts';
import { MfaPolicyService } from './mfa-policy.service.ts';
import { UsersService } from './users.service.ts';

export {
  API_TOKEN_PREFIX,
  type ApiTokenRevokedReason,
  type AuthResult,
  type IdentityDeps,
  type InvitationAcceptor,
  type InvitationLink,
  type MemoryCredential,
  type NewMember,
  type PasswordGate,
  type ScopeType,
  type UserDisabledHook,
} from './identity.types.ts';
export { toUserDto } from './users.service.ts';
export { toApiTokenDto } from './api-tokens.service.ts';
export { toPendingInvitationDto } from './invitations.service.ts';

export class IdentityService {
  readonly #d: IdentityDeps;
  readonly #passwords: Passwords;
  readonly #sessions: SessionsService;
  readonly #tokens: ApiTokensService;
  readonly #users: UsersService;
  readonly #invitations: InvitationsService;
  /** second factors: enrolment, proofs, step-up */
  readonly mfa: MfaService;
  /** password reset by e-mail link, and by the operator */
  readonly passwordResets: PasswordResetService;
  /** who must use MFA (operator, tenants); read by the decision snapshot */
  readonly mfaPolicies: MfaPolicyService;
  /** live personal API tokens in memory (the gateway's request path) */
  readonly apiTokens: ApiTokenIndex;
  /** live portal sessions in memory (the gateway's request path) */
  readonly sessions: SessionIndex;
  constructor(deps: IdentityDeps) {
    this.#d = deps;
    this.#passwords = new Passwords(deps.scryptCost);
    this.mfa = new MfaService(deps);
    this.#sessions = new SessionsService(deps, this.mfa);
    this.passwordResets = new PasswordResetService(deps, this.#passwords);
    this.mfaPolicies = new MfaPolicyService(deps);
    this.#tokens = new ApiTokensService(deps);
    this.#invitations = new InvitationsService(deps, this.#passwords);
    this.#users = new UsersService(deps, { passwords: this.#passwords, tokens: this.#tokens, invitations: this.#invitations });
    this.apiTokens = this.#tokens.index;
    this.sessions = this.#sessions.index;
  }

  /** What the database last said of a credential's person, for requests the indexes answer (principal-profiles.ts). */
  readonly profiles = new PrincipalProfiles();

  /** Load the API token and session indexes (between feed.head() and feed.start(), like every snapshot). */
  async loadIndexes(): Promise<void> {
    await this.apiTokens.load(this.#d.db, this.#d.feed);
    await this.sessions.load(this.#d.db, this.#d.feed);
    this.profiles.listen(this.#d.feed);
  }

  async stopIndexes(): Promise<void> {
    await this.apiTokens.stop();
    await this.sessions.stop();
    this.profiles.stop();
  }

  hashPassword(password: string): Promise<string> {
    return this.#passwords.hash(password);
  }

  /** `pointer` names the body field that carried the password, for the per-field error. */
  checkPassword(password: string, email?: string, pointer = '/body/password'): void {
    this.#passwords.check(password, email, pointer);
  }

  // ---- login / sessions / credentials ---------------------------------------------------------

  login(ctx: RequestContext, email: string, password: string): Promise<LoginOutcome> {
    return this.#sessions.login(ctx, email, password);
  }

  /** The sign-in second step. */
  completeLogin(ctx: RequestContext, mfaToken: string, proof: SecondFactorProof): Promise<LoginOutcome> {
    return this.#sessions.completeLogin(ctx, mfaToken, proof);
  }

  loginPasskeyOptions(mfaToken: string) {
    return this.#sessions.loginPasskeyOptions(mfaToken);
  }

  /**
   * A session for someone the organization's identity provider vouched for (modules/sso): no
   * password asked; `amr` says how they signed in (["sso"], plus "mfa" when the provider's MFA counts).
   */
  openFederatedSession(ctx: RequestContext, userId: string, amr: readonly string[], onOpen?: OnSessionOpen): Promise<LoginOutcome> {
    return this.#sessions.openFederated(ctx, userId, amr, onOpen);
  }

  /** End these sessions as a logout does, on every instance (single logout from the organization's provider). */
  endSessions(ctx: RequestContext, sessions: readonly { id: string; userId: string }[], details: Record<string, unknown>): Promise<void> {
    return this.#sessions.endSessions(ctx, sessions, details);
  }

  /** Who may not use a password (see PasswordGate); one gate, set once by single sign-on. */
  setPasswordGate(gate: PasswordGate): void {
    this.#d.passwordGate = gate;
  }

  /** Where a signed-out browser goes on to (see SignOutHandoff); one handoff, set once by single sign-on. */
  setSignOutHandoff(handoff: SignOutHandoff): void {
    this.#d.signOutHandoff = handoff;
  }

  /**
   * End the caller's session — first, whatever happens next — then the address the browser goes on to
   * (the organization's provider's sign-out page, for a session its single sign-on made), or null.
   */
  async logout(ctx: RequestContext, principal: Principal): Promise<string | null> {
    const next = principal.sessionId ? await this.#d.signOutHandoff?.(principal.sessionId).catch(() => null) : null;
    await this.#sessions.logout(ctx, principal);
    return next ? next().catch(() => null) : null;
  }

  /** A session cookie, from the database; what it says of the person is remembered for the requests after (principal-profiles.ts). */
  async authenticateSession(token: string): Promise<AuthResult> {
    const r = await this.#sessions.authenticate(token);
    if (r.ok) this.profiles.remember(this.credentialFromMemory({ cookie: token }), r.principal);
    return r;
  }

  /** A bearer token, from the database; what it says of the person is remembered for the requests after (principal-profiles.ts). */
  async authenticateBearer(token: string): Promise<AuthResult> {
    const r = await this.#tokens.authenticate(token);
    if (r.ok) this.profiles.remember(this.credentialFromMemory({ bearer: token }), r.principal);
    return r;
  }

  /**
   * Who a personal API token or a session cookie is, from the in-memory indexes alone (no database
   * read), or null when they cannot vouch for it — then authenticateBearer / authenticateSession
   * ask the database. The user's status and memberships are the authz snapshot's business.
   */
  credentialFromMemory(c: { bearer: string } | { cookie: string }): MemoryCredential | null {
    if ('bearer' in c) {
      if (!c.bearer.startsWith(API_TOKEN_PREFIX + '_')) return null;
      const v = this.apiTokens.verify(c.bearer);
      return v.ok ? { kind: 'api_token', userId: v.token.userId, tokenId: v.token.id, entry: v.token } : null;
    }
    const s = this.sessions.verify(c.cookie);
    return s === null ? null : { kind: 'session', userId: s.userId, sessionId: s.id, csrfToken: s.csrfToken, mfa: s.mfa, entry: s };
  }

  verifyCsrf(principal: Pick<Principal, 'csrfToken'>, header: string | undefined): boolean {
    return !!principal.csrfToken && typeof header === 'string' && constantTimeEqual(header, principal.csrfToken);
  }

  /** /me: the user and their memberships with display names. */
  describe(principal: Principal, acceptLanguage?: string | null) {
    return describePrincipal(this.#d.db, principal, acceptLanguage);
  }

  /**
   * /me for the answer to a sign-in, from the account the sign-in read, the session it opened and
   * the memberships read with its COMMIT (no read of its own); what it says of the person is
   * remembered for the requests after.
   */
  async describeNewSession(r: Extract<LoginOutcome, { mfaRequired: false }>, acceptLanguage?: string | null) {
    const { principal, me } = await describeSignedIn(this.#d.db, r.user, { sessionId: sha256(r.token), csrfToken: r.csrfToken, amr: r.amr }, acceptLanguage, r.memberships);
    this.profiles.remember(this.credentialFromMemory({ cookie: r.token }), principal);
    return me;
  }

  /** People's language preferences (their choice, their organization's default), for what is written to them. */
  localePreferences(userIds: readonly string[]) {
    return localePreferencesOf(this.#d.db.kysely, userIds);
  }

  /** The language a document made for this person is written in: their choice, their organization's, their browser's, else English. */
  async readerLocale(userId: string | null, acceptLanguage?: string | null): Promise<Locale> {
    const pref = userId === null ? undefined : (await this.localePreferences([userId])).get(userId);
    return negotiateLocale({ person: pref?.person, organization: pref?.organization, acceptLanguage });
  }

  purgeExpiredSessions(): Promise<void> {
    return this.#sessions.purgeExpired();
  }

  // ---- profile ---------------------------------------------------------------------------------

  updateProfile(ctx: RequestContext, principal: Principal, patch: { name?: string; locale?: string | null }): Promise<void> {
    return this.#users.updateProfile(ctx, principal, patch);
  }

  changePassword(ctx: RequestContext, principal: Principal, current: string, next: string): Promise<void> {
    return this.#users.changePassword(ctx, principal, current, next);
  }

  // ---- API tokens ------------------------------------------------------------------------------

  createApiToken(ctx: RequestContext, principal: Principal, name: string, expiresInDays: number | null) {
    return this.#tokens.create(ctx, principal, name, expiresInDays);
  }

  listApiTokens(userId: string) {
    return this.#tokens.list(userId);
  }

  revokeApiToken(ctx: RequestContext, principal: Principal, tokenId: string): Promise<void> {
    return this.#tokens.revoke(ctx, principal, tokenId);
  }

  // ---- users -----------------------------------------------------------------------------------

  /** Register what else disabling a user ends (see UserDisabledHook). */
  onUserDisabled(fn: UserDisabledHook): void {
    this.#users.onDisabled(fn);
  }

  readonly #membershipEnded: MembershipEndedHook[] = [];

  /** Register what else the end of one organization membership ends (see MembershipEndedHook). */
  onMembershipEnded(fn: MembershipEndedHook): void {
    this.#membershipEnded.push(fn);
  }

  /** Called by the membership's owner, in its transaction: runs the hooks; their details, merged, for its audit event. */
  async membershipEnded(trx: Tx, ctx: RequestContext, scope: { type: ScopeType; id: string }, userId: string): Promise<Record<string, unknown>> {
    let details: Record<string, unknown> = {};
    for (const fn of this.#membershipEnded) details = { ...details, ...(await fn(trx, ctx, scope, userId)) };
    return details;
  }

  /**
   * A new account. Without a password it is an invitation's (status invited) unless `federated`: someone their
   * organization's single sign-on or directory brings, active at once and with no password here (a reset link may set one).
   */
  createUser(trx: Tx, input: { email: string; name: string; password: string | null; federated?: boolean; platformRole?: string | null }): Promise<string> {
    return this.#users.create(trx, input);
  }

  findUserByEmail(email: string, trx?: Tx) {
    return this.#users.findByEmail(email, trx);
  }

  findUserById(id: string, trx?: Tx) {
    return this.#users.findById(id, trx);
  }

  listUsers(f: { q?: string; status?: string; cursor?: string; limit: number }) {
    return this.#users.list(f);
  }

  /** The operator's overview: accounts by status. */
  userFigures() {
    return this.#users.figures();
  }

  setUserStatus(ctx: RequestContext, principal: Principal, userId: string, status: 'active' | 'disabled'): Promise<repo.UserRow> {
    return this.#users.setStatus(ctx, principal, userId, status);
  }

  /** CLI bootstrap of the operator; idempotent on email (promotes an existing user). */
  ensureSuperAdmin(ctx: RequestContext, email: string, name: string, password: string): Promise<{ userId: string; created: boolean }> {
    return this.#users.ensureSuperAdmin(ctx, email, name, password);
  }

  // ---- invitations (invitations.service.ts) ----------------------------------------------------

  /** Register what accepting an invitation of `scopeType` does (tenants and partners add the member). */
  /** Something to do in the transaction of every new invitation (see InvitationsService.onInvited). */
  onInvitationSent(fn: InvitationSentHook): void {
    this.#invitations.onInvited(fn);
  }

  onInvitationAccepted(scopeType: ScopeType, fn: InvitationAcceptor): void {
    this.#invitations.onAccepted(scopeType, fn);
  }

  /** Create a pending invitation (replacing any earlier pending one for the same scope and email). */
  invite(trx: Tx, input: { email: string; scopeType: ScopeType; scopeId: string; role: string; invitedBy: string | null; acceptLanguage?: string | null }): Promise<InvitationLink> {
    return this.#invitations.invite(trx, input);
  }

  /** Pending (not accepted, revoked or expired) invitations of one tenant or partner. */
  listPendingInvitations(scopeType: ScopeType, scopeId: string) {
    return this.#invitations.listPending(scopeType, scopeId);
  }

  /** Withdraw a pending invitation of this scope; an unknown, used or expired one answers like a missing one. */
  revokeInvitation(trx: Tx, scopeType: ScopeType, scopeId: string, invitationId: string): Promise<repo.InvitationRow> {
    return this.#invitations.revoke(trx, scopeType, scopeId, invitationId);
  }

  /** What a link is for. Says nothing about whether the email has an account. */
  getInvitation(token: string) {
    return this.#invitations.get(token);
  }

  /** The caller's own pending invitations (addressed to their email). */
  listMyInvitations(principal: Principal) {
    return this.#invitations.listMine(principal);
  }

  /** Accept through the link with a new account (see InvitationsService.acceptWithNewAccount). */
  acceptInvitation(ctx: RequestContext, token: string, name: string, password: string): Promise<{ userId: string; scopeType: ScopeType; scopeId: string; role: string }> {
    return this.#invitations.acceptWithNewAccount(ctx, token, name, password);
  }

  /** Accept one of your own pending invitations while logged in. */
  acceptMyInvitation(ctx: RequestContext, principal: Principal, invitationId: string): Promise<{ scopeType: ScopeType; scopeId: string; role: string }> {
    return this.#invitations.acceptMine(ctx, principal, invitationId);
  }

  /** Say no to one of your own pending invitations. */
  declineMyInvitation(ctx: RequestContext, principal: Principal, invitationId: string): Promise<void> {
    return this.#invitations.declineMine(ctx, principal, invitationId);
  }
}
