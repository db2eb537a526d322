/**
 * Password reset: by an e-mailed link the user asks for ("Forgot password?") or the
 * operator sends. The link's token is random, works once, for PASSWORD_RESET_TTL, and is stored
 * only as a keyed hash; a new link retires the older ones. Using it sets the new password and
 * ends every session of the user (and any sign-in half done) — the second factor stays: the
 * next sign-in still asks for it.
 *
 * Asking never says whether an address has an account: the answer is the same either way.
 */
import { emailForLookup } from '../../platform/email-address.ts';
import { mutate } from '../../platform/db/database.ts';
import { randomToken } from '../../platform/crypto.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { intlFor, say } from '../../platform/i18n/intl.ts';
import { negotiateLocale } from '../../platform/i18n/locales.ts';
import { renderMail } from '../../platform/mail/mail-template.ts';
import { localePreferencesOf } from './locale-reads.ts';
import { rm } from './password-reset-mail.messages.ts';
import { identityErrors as E } from './identity.errors.ts';
import * as repo from './identity.repo.ts';
import * as mfaRepo from './mfa.repo.ts';
import type { IdentityDeps } from './identity.types.ts';
import type { Passwords } from './password-policy.ts';
import { problemDetails as PD } from './identity.problem-details.ts';

export const RESET_PATH = '/reset-password';
const RESETS_PER_EMAIL_HOUR = 5;
const RESETS_PER_IP_HOUR = 30;

export class PasswordResetService {
  readonly #d: IdentityDeps;
  readonly #passwords: Passwords;
  constructor(deps: IdentityDeps, passwords: Passwords) {
    this.#d = deps;
    this.#passwords = passwords;
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  #hash(token: string): string {
    return this.#d.hasher.hash(`password-reset:${token}`);
  }

  /** "Forgot password?": a link to the address if it has an active account; nothing said either way. */
  async request(ctx: RequestContext, email: string): Promise<void> {
    const normalized = emailForLookup(email);
    // No mail bombing: a few links per address and per client address an hour, whether or not the
    // address has an account (so the refusal says nothing about it).
    const hour = 3_600_000;
    const d = await this.#d.loginLimiter.consumeAll([
      { key: `pwreset:email:${normalized}`, limit: RESETS_PER_EMAIL_HOUR, windowMs: hour },
      { key: `pwreset:ip:${ctx.ip ?? 'unknown'}`, limit: RESETS_PER_IP_HOUR, windowMs: hour },
    ]);
    const refused = d.find((x) => !x.allowed);
    if (refused) {
      throw E.password_reset_throttled(PD.tooManyResetLinks, {
        values: { minutes: Math.ceil(refused.retryAfterSec / 60) },
        headers: { 'retry-after': String(refused.retryAfterSec) },
      });
    }
    const user = await repo.findUserByEmail(this.#d.db.kysely, normalized);
    // The organization requires its company sign-in for this address: no password to reset.
    const gate = await this.#d.passwordGate?.(normalized, user?.id ?? null, 'password_reset');
    if (gate) throw gate;
    if (!user || user.status !== 'active') {
      await mutate(this.#d.db, (trx) =>
        this.#d.audit.record(trx, ctx, { action: 'user.password_reset_requested', outcome: 'failure', targetType: 'user', targetId: user?.id ?? null, details: { reason: user ? 'user_' + user.status : 'unknown_email' } }).then(() => undefined),
      );
      return;
    }
    // The mail goes out after the answer: the answer takes as long whether or not the address has
    // an account (no enumeration by timing), and a slow mail server keeps nobody waiting.
    const mail = await this.#create(ctx, user, null);
    void this.#d.mailer!.send(mail.message).catch((e: unknown) => this.#d.onMailError?.(e));
  }

  /** The operator sends a reset link to a user (the user sets the password; the operator never learns it). */
  async sendByOperator(ctx: RequestContext, operator: Principal, userId: string): Promise<{ sent_to: string; expires_at: string }> {
    const user = await repo.findUserById(this.#d.db.kysely, userId);
    if (!user) throw E.user_not_found();
    if (user.status !== 'active') throw E.password_reset_invalid(PD.accountDisabledEnableBefore);
    const mail = await this.#create(ctx, user, operator.userId);
    // the operator waits for the mail server: the answer says the link went out
    await this.#d.mailer!.send(mail.message);
    return { sent_to: user.email, expires_at: mail.expiresAt };
  }

  async #create(ctx: RequestContext, user: repo.UserRow, by: string | null): Promise<{ message: ReturnType<typeof renderMail>; expiresAt: string }> {
    if (!this.#d.mailer) throw new Error('no mailer configured');
    const token = randomToken(32);
    const now = this.#now();
    const ttl = this.#d.passwordResetTtlSec ?? 1800;
    const expiresAt = new Date(now.getTime() + ttl * 1000).toISOString();
    await mutate(this.#d.db, async (trx) => {
      await mfaRepo.retirePasswordResets(trx, user.id, now.toISOString());
      await mfaRepo.insertPasswordReset(trx, { id: this.#hash(token), user_id: user.id, requested_by: by, created_at: now.toISOString(), expires_at: expiresAt, used_at: null });
      await this.#d.audit.record(trx, ctx, { action: by ? 'user.password_reset_sent' : 'user.password_reset_requested', targetType: 'user', targetId: user.id, details: { expires_at: expiresAt } });
    });
    const url = `${this.#d.publicUrl}${RESET_PATH}?token=${encodeURIComponent(token)}`;
    // the person's language, else their organization's, else the browser's that asked (never another person's choice)
    const pref = (await localePreferencesOf(this.#d.db.kysely, [user.id])).get(user.id);
    const intl = intlFor(negotiateLocale({ person: pref?.person, organization: pref?.organization, acceptLanguage: ctx.acceptLanguage }));
    const mail = renderMail({
      to: user.email,
      subject: say(intl, rm.subject),
      greeting: say(intl, rm.hello, { name: user.name }),
      paragraphs: [say(intl, by ? rm.byOperator : rm.byYou), say(intl, rm.once, { minutes: Math.round(ttl / 60) }), say(intl, rm.ignore)],
      action: { label: say(intl, rm.action), url },
      footer: say(intl, rm.footer, { email: user.email }),
    });
    return { message: mail, expiresAt };
  }

  /** What the reset page shows before the new password is chosen: whose account, or password_reset_invalid. */
  async check(token: string): Promise<{ email: string; expires_at: string }> {
    const r = await mfaRepo.findPasswordReset(this.#d.db.kysely, this.#hash(token));
    const user = r ? await repo.findUserById(this.#d.db.kysely, r.user_id) : undefined;
    if (!r || r.used_at !== null || r.expires_at <= this.#now().toISOString() || !user || user.status !== 'active') {
      throw E.password_reset_invalid(PD.linkWrongWasUsed);
    }
    return { email: user.email, expires_at: r.expires_at };
  }

  async reset(ctx: RequestContext, token: string, password: string): Promise<void> {
    const id = this.#hash(token);
    const { email } = await this.check(token);
    this.#passwords.check(password, email, '/body/password');
    const hash = await this.#passwords.hash(password);
    let userId = '';
    await mutate(this.#d.db, async (trx) => {
      const r = await mfaRepo.findPasswordReset(trx, id);
      // single use, even for two requests at once
      if (!r || !(await mfaRepo.consumePasswordReset(trx, id, this.#now().toISOString()))) throw E.password_reset_invalid(PD.linkWasUsedAlready);
      userId = r.user_id;
      await repo.updateUser(trx, r.user_id, { password_hash: hash, updated_at: this.#now().toISOString() });
      await mfaRepo.retirePasswordResets(trx, r.user_id, this.#now().toISOString());
      // every session ends, and any sign-in half done
      await repo.deleteSessionsByUser(trx, r.user_id);
      await mfaRepo.deleteChallengesOf(trx, r.user_id);
      await this.#d.feed.record(trx, 'user_sessions', r.user_id);
      await this.#d.audit.record(trx, { ...ctx, actor: { ...ctx.actor, userId: r.user_id } }, { action: 'user.password_reset', targetType: 'user', targetId: r.user_id, details: { by_operator: r.requested_by !== null } });
    });
    void userId;
    await this.#d.feed.kick();
  }
}
