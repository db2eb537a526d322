/**
 * The partner registry and partner organization membership:
 * application, approval with capabilities, suspension, reactivation, termination, profile,
 * feature toggles, and PARTNER_OWNER / PARTNER_STAFF members.
 */
import { negotiateLocale } from '../../platform/i18n/locales.ts';
import type { Db, Tx } from '../../platform/db/database.ts';
import { lockRows, serviceWrites } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { renderMail } from '../../platform/mail/mail-template.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import type { IdentityService, InvitationLink, NewMember } from '../identity/index.ts';
import { identityErrors } from '../identity/index.ts';
import { authzErrors, isPermissionName, roleQueries } from '../authz/index.ts';
import { partnerErrors as E } from './partners.errors.ts';
import * as repo from './partners.repo.ts';
import * as featureRepo from './feature-catalog.repo.ts';
import { listConfigVersionsWithEditors } from './people-reads.ts';
import { PartnerMembers, type PartnerRole } from './partner-members.ts';
import { applicationReceivedMail, existingAccountMail } from './partner-mail.ts';
import { ResellersService } from './resellers.service.ts';
export type { PartnerRole } from './partner-members.ts';
import { type ConfigChange, type ConfigSection, type PartnerConfig, diffConfig, malformedCidrs, parsePartnerConfig } from '../authz/index.ts';
import { problemDetails as PD } from './partners.problem-details.ts';
export const CAPABILITIES = ['delegated', 'wholesale', 'managed_services', 'referral'] as const;
export type Capability = (typeof CAPABILITIES)[number];
export type PartnerStatus = repo.PartnerRow['status'];

/** Lifecycle: applied → active ⇄ suspended → terminated; applied → rejected. */
const TRANSITIONS: Record<string, { from: PartnerStatus[]; to: PartnerStatus; action: string }> = {
  approve: { from: ['applied'], to: 'active', action: 'partner.approved' },
  reject: { from: ['applied'], to: 'rejected', action: 'partner.rejected' },
  suspend: { from: ['active'], to: 'suspended', action: 'partner.suspended' },
  reactivate: { from: ['suspended'], to: 'active', action: 'partner.reactivated' },
  terminate: { from: ['active', 'suspended'], to: 'terminated', action: 'partner.terminated' },
};
export type PartnerTransition = keyof typeof TRANSITIONS;

export interface PartnersDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  identity: IdentityService;
  /** the platform's session timeouts (SESSION_IDLE_TIMEOUT, SESSION_ABSOLUTE_TIMEOUT): a partner's session policy may only be stricter */
  platformSession?: { idleSec: number; absoluteSec: number };
  /** e-mail to the address of a public application (none when absent: the message is skipped) */
  mailer?: Mailer;
  publicUrl?: string;
  onMailError?: (err: unknown) => void;
}

export interface PartnerApplication {
  name: string;
  slug?: string;
  website?: string;
  contact_email: string;
  description?: string;
  requested_capabilities?: Capability[];
  owner: { name: string; email: string; password: string };
}

export class PartnersService {
  readonly #d: PartnersDeps;
  /** Called inside the transaction of a partner status change (later modules hook in here). */
  readonly #onStatusChange: ((trx: Tx, ctx: RequestContext, partner: repo.PartnerRow, to: PartnerStatus) => Promise<void>)[] = [];

  readonly #members: PartnerMembers;
  /** two-tier partners: a distributor's resellers (resellers.service.ts) */
  readonly resellers: ResellersService;

  constructor(d: PartnersDeps) {
    this.#d = d;
    this.#members = new PartnerMembers(d);
    this.resellers = new ResellersService(d, this);
  }

  /** what the service was made with (the partner creation shares it) */
  get deps(): PartnersDeps { return this.#d; }

  onStatusChange(fn: (trx: Tx, ctx: RequestContext, partner: repo.PartnerRow, to: PartnerStatus) => Promise<void>): void {
    this.#onStatusChange.push(fn);
  }

  /** the time now, and a write that nudges the change feed */
  readonly #w = serviceWrites(() => this.#d);

  /**
   * Creates the partner (status applied) and its first owner; refuses an address that has an
   * account (email_taken). The public form goes through submitApplication, which does not tell.
   * `trx`: inside the caller's transaction (the caller kicks the change feed).
   */
  async apply(ctx: RequestContext, input: PartnerApplication, trx?: Tx): Promise<{ partner: repo.PartnerRow; ownerId: string }> {
    this.#d.identity.checkPassword(input.owner.password, input.owner.email, '/body/owner/password');
    if (await this.#d.identity.findUserByEmail(input.owner.email, trx)) {
      throw identityErrors.email_taken(PD.userEmailAlreadyExists);
    }
    const partner = applicationRow(input, this.#w.now());
    const work = async (trx: Tx) => {
      await repo.insertPartner(trx, partner);
      const ownerId = await this.#d.identity.createUser(trx, { email: input.owner.email, name: input.owner.name, password: input.owner.password });
      await this.#d.feed.record(trx, 'partner', partner.id);
      const actx = { ...ctx, actor: { ...ctx.actor, type: 'user' as const, userId: ownerId, partnerId: partner.id } };
      await this.#d.audit.record(trx, actx, {
        action: 'partner.created',
        partnerId: partner.id,
        targetType: 'partner',
        targetId: partner.id,
        details: { name: partner.name, slug: partner.slug, requested_capabilities: JSON.parse(partner.requested_capabilities) },
      });
      await this.addMember(trx, { scopeId: partner.id, userId: ownerId, role: 'PARTNER_OWNER', invitedBy: null, invitationId: null }, actx);
      return { partner, ownerId };
    };
    return trx ? work(trx) : this.#w.write(work);
  }

  /**
   * The public application form. It never says whether the owner's address already has an
   * account: the answer is the same for a new and an existing address (201, a partner in status
   * applied; only the ids differ), after the same expensive work (the password hash), and the
   * address's owner learns what happened by e-mail. For an existing address nothing is written and
   * the message tells its owner to sign in instead; a new owner is told the application arrived.
   */
  async submitApplication(ctx: RequestContext, input: PartnerApplication, acceptLanguage?: string): Promise<{ partner: repo.PartnerRow; ownerId: string }> {
    try {
      const created = await this.apply(ctx, input);
      this.#sendMail(input.owner.email, applicationReceivedMail(input.owner.email, this.#d.publicUrl, negotiateLocale({ acceptLanguage })));
      return created;
    } catch (e) {
      // also a concurrent application for the same new address (users_email_key): nothing of it was committed
      if (!(e instanceof AppError && e.code === 'email_taken')) throw e;
    }
    const [user] = await Promise.all([this.#d.identity.findUserByEmail(input.owner.email), this.#d.identity.hashPassword(input.owner.password)]);
    const partner = applicationRow(input, this.#w.now());
    // a slug in use is refused as it is for a new address (partners_slug_key)
    if (await repo.findPartnerBySlug(this.#d.db.kysely, partner.slug)) throw E.partner_slug_taken(PD.anotherPartnerAlreadyUses);
    if (user && user.status === 'active') this.#sendMail(user.email, existingAccountMail(user, this.#d.publicUrl, await this.#d.identity.readerLocale(user.id, acceptLanguage)));
    return { partner, ownerId: newId('usr') };
  }

  /** After the answer, as a password-reset link is: a slow mail server keeps nobody waiting, and the answer's timing says nothing. */
  #sendMail(to: string, mail: ReturnType<typeof renderMail>): void {
    if (!this.#d.mailer || !to) return;
    void this.#d.mailer.send(mail).catch((e: unknown) => this.#d.onMailError?.(e));
  }

  getPartner(id: string) {
    return repo.findPartnerById(this.#d.db.kysely, id);
  }

  async requirePartner(id: string): Promise<repo.PartnerRow> {
    const p = await repo.findPartnerById(this.#d.db.kysely, id);
    if (!p) throw E.partner_not_found();
    return p;
  }

  findBySlug(slug: string) {
    return repo.findPartnerBySlug(this.#d.db.kysely, slug);
  }

  listPartners(f: { ids?: string[]; q?: string; status?: string; capability?: string; cursor?: string; limit: number }) {
    return repo.listPartners(this.#d.db.kysely, f);
  }

  /** The operator's overview figures (see repo.partnerFigures). */
  figures(sinceIso: string, applicationsShown: number) {
    return repo.partnerFigures(this.#d.db.kysely, sinceIso, applicationsShown);
  }

  async updateProfile(ctx: RequestContext, id: string, patch: { name?: string; website?: string | null; contact_email?: string; description?: string | null; locale?: string | null }) {
    const p = await this.requirePartner(id);
    const changes = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && p[k as keyof repo.PartnerRow] !== v));
    if (Object.keys(changes).length === 0) return p;
    return this.#w.write(async (trx) => {
      await repo.updatePartner(trx, id, { ...changes, updated_at: this.#w.now() });
      await this.#d.feed.record(trx, 'partner', id);
      await this.#d.audit.record(trx, ctx, { action: 'partner.updated', partnerId: id, targetType: 'partner', targetId: id, details: { changes } });
      return { ...p, ...changes } as repo.PartnerRow;
    });
  }

  async transition(ctx: RequestContext, id: string, verb: PartnerTransition, opts: { reason?: string; capabilities?: Capability[] } = {}, outer?: Tx): Promise<repo.PartnerRow> {
    const t = TRANSITIONS[verb];
    const work = async (trx: Tx) => {
      // Guarantee: the partner's row lock — two transitions (suspend and terminate…) run one
      // after the other, the second checking its from-state against what the first committed.
      await lockRows(this.#d.db, trx, 'partners', { id });
      const p = await repo.findPartnerById(trx, id);
      if (!p) throw E.partner_not_found();
      if (!t.from.includes(p.status)) {
        throw E.invalid_partner_transition(`A ${p.status} partner cannot be ${t.to === 'active' && verb === 'reactivate' ? 'reactivated' : t.to}.`);
      }
      const now = this.#w.now();
      const patch: Partial<repo.PartnerRow> = { status: t.to, status_reason: opts.reason ?? null, updated_at: now };
      if (verb === 'approve') {
        const caps = [...new Set(opts.capabilities ?? [])];
        if (caps.length === 0) throw E.capabilities_required();
        Object.assign(patch, { capabilities: JSON.stringify(caps), approved_at: now, approved_by: ctx.actor.userId });
      }
      await repo.updatePartner(trx, id, patch);
      const updated = { ...p, ...patch } as repo.PartnerRow;
      for (const fn of this.#onStatusChange) await fn(trx, ctx, updated, t.to);
      await this.#d.feed.record(trx, 'partner', id);
      await this.#d.audit.record(trx, ctx, {
        action: t.action,
        partnerId: id,
        targetType: 'partner',
        targetId: id,
        details: { from: p.status, to: t.to, reason: opts.reason ?? null, ...(verb === 'approve' ? { capabilities: JSON.parse(updated.capabilities) } : {}) },
      });
      return updated;
    };
    return outer ? work(outer) : this.#w.write(work);
  }

  async setCapabilities(ctx: RequestContext, id: string, capabilities: Capability[]) {
    const p = await this.requirePartner(id);
    const caps = [...new Set(capabilities)];
    return this.#w.write(async (trx) => {
      await repo.updatePartner(trx, id, { capabilities: JSON.stringify(caps), updated_at: this.#w.now() });
      await this.#d.feed.record(trx, 'partner', id);
      await this.#d.audit.record(trx, ctx, {
        action: 'partner.capabilities_changed',
        partnerId: id,
        targetType: 'partner',
        targetId: id,
        details: { from: JSON.parse(p.capabilities), to: caps },
      });
      return { ...p, capabilities: JSON.stringify(caps) };
    });
  }

  async setFeatureToggles(ctx: RequestContext, id: string, toggles: Record<string, boolean>) {
    await this.#validateToggleNames(toggles);
    await this.requirePartner(id);
    return this.#w.write(async (trx) => {
      // Guarantee: the partner's row lock, then the merge on the row as committed — two toggle
      // changes racing both land (no lost update).
      await lockRows(this.#d.db, trx, 'partners', { id });
      const p = await repo.findPartnerById(trx, id);
      if (!p) throw E.partner_not_found();
      const merged = { ...(JSON.parse(p.feature_toggles) as Record<string, boolean>), ...toggles };
      await repo.updatePartner(trx, id, { feature_toggles: JSON.stringify(merged), updated_at: this.#w.now() });
      await this.#d.feed.record(trx, 'partner', id);
      await this.#d.audit.record(trx, ctx, { action: 'partner.features_changed', partnerId: id, targetType: 'partner', targetId: id, details: { set: toggles } });
      return { ...p, feature_toggles: JSON.stringify(merged) };
    });
  }

  /** The partner's configuration document and its version. */
  async getConfig(id: string): Promise<{ version: number; config: PartnerConfig }> {
    const p = await this.requirePartner(id);
    return { version: p.config_version, config: parsePartnerConfig(p.config) };
  }

  /**
   * Replace one section of a partner's configuration: a new version with who, when, the section
   * before and after and the field-level diff, audited as `partner.config_changed`, and a change-feed
   * entry so every instance's snapshot enforces it on the next request. `value: null` removes the
   * section (back to the platform's defaults). `expectedVersion`, when given, is a compare-and-set:
   * an editor working on an older version gets 409 config_version_conflict instead of overwriting.
   * A change that changes nothing writes nothing and returns the current version.
   * Guarantee: the partner row's lock, then the read-modify-write on the row as committed.
   */
  async updateConfigSection<K extends ConfigSection>(ctx: RequestContext, id: string, section: K, value: PartnerConfig[K] | null, expectedVersion?: number, outer?: Tx): Promise<{ version: number; config: PartnerConfig; changes: ConfigChange[] }> {
    if (!outer) await this.requirePartner(id);
    if (value !== null) this.#checkSection(section, value);
    const work = async (trx: Tx) => {
      await lockRows(this.#d.db, trx, 'partners', { id });
      const p = await repo.findPartnerById(trx, id);
      if (!p) throw E.partner_not_found();
      if (expectedVersion !== undefined && expectedVersion !== p.config_version) throw E.config_version_conflict(PD.configurationChangedSinceOpened, { values: { config_version: p.config_version } });
      const config = parsePartnerConfig(p.config);
      const before = config[section] ?? null;
      await validateSection(trx, section, value, before);
      const next: PartnerConfig = { ...config };
      if (value === null) delete next[section];
      else next[section] = value;
      const changes = diffConfig(before, value);
      if (changes.length === 0) return { version: p.config_version, config, changes };
      const version = p.config_version + 1;
      const now = this.#w.now();
      await repo.updatePartner(trx, id, { config: JSON.stringify(next), config_version: version, updated_at: now });
      await repo.insertConfigVersion(trx, { id: newId('pcv'), partner_id: id, version, section, before: JSON.stringify(before), after: JSON.stringify(value), diff: JSON.stringify(changes), changed_by: ctx.actor?.userId ?? null, changed_at: now });
      await this.#d.feed.record(trx, 'partner', id);
      await this.#d.audit.record(trx, ctx, { action: 'partner.config_changed', partnerId: id, targetType: 'partner', targetId: id, details: { section, version, changes } });
      return { version, config: next, changes };
    };
    return outer ? work(outer) : this.#w.write(work);
  }

  /**
   * What the sections' schemas cannot say: a session policy never looser than the
   * platform's, IP allow-list entries that are real addresses or networks, a daily quota within the
   * monthly one. Checked before anything is written.
   */
  #checkSection(section: ConfigSection, value: unknown): void {
    if (section === 'session') {
      const v = value as NonNullable<PartnerConfig['session']>;
      const p = this.#d.platformSession;
      if (p) {
        const looser: string[] = [];
        if (v.idle_minutes !== undefined && v.idle_minutes * 60 > p.idleSec) looser.push(`the idle timeout (at most ${Math.floor(p.idleSec / 60)} minutes)`);
        if (v.absolute_minutes !== undefined && v.absolute_minutes * 60 > p.absoluteSec) looser.push(`the absolute timeout (at most ${Math.floor(p.absoluteSec / 60)} minutes)`);
        if (looser.length > 0) throw E.session_policy_looser(`A partner's session policy can only be stricter than the platform's: ${looser.join(' and ')}.`, { extensions: { platform: { idle_minutes: Math.floor(p.idleSec / 60), absolute_minutes: Math.floor(p.absoluteSec / 60) } } });
      }
      if (v.idle_minutes !== undefined && v.absolute_minutes !== undefined && v.idle_minutes > v.absolute_minutes) {
        throw E.session_policy_looser(PD.idleTimeoutCannotLonger);
      }
    } else if (section === 'api') {
      const v = value as NonNullable<PartnerConfig['api']>;
      const bad = malformedCidrs(v.ip_allow ?? []);
      if (bad.length > 0) throw E.cidr_invalid(`Not an IP address or network: ${bad.slice(0, 5).join(', ')}. Write an address (203.0.113.7) or a network (203.0.113.0/24).`, { extensions: { invalid: bad } });
    } else if (section === 'limits') {
      const v = value as NonNullable<PartnerConfig['limits']>;
      if (v.daily_quota != null && v.monthly_quota != null && v.daily_quota > v.monthly_quota) throw E.quota_inconsistent(PD.dailyQuotaCannotLarger);
    }
  }

  /** The configuration's history, newest first (keyset on the version number). */
  async listConfigVersions(id: string, f: { limit: number; before?: number; section?: ConfigSection }) {
    await this.requirePartner(id);
    return listConfigVersionsWithEditors(this.#d.db.kysely, id, f);
  }

  /**
   * Feature toggle names are validated like delegation overrides, never silently ignored: the
   * decision engine refuses every permission a switched-off name equals or prefixes
   * (`billing.invoices` covers `billing.invoices.read`), so a malformed name, or a well-formed one
   * that names no known permission (a typo would leave the feature on), is 400 invalid_permission.
   */
  async #validateToggleNames(toggles: Record<string, boolean>): Promise<void> {
    const names = Object.keys(toggles);
    if (names.length === 0) return;
    const known = (await roleQueries.allPermissions(this.#d.db)).map((r) => r.name);
    for (const name of names) {
      const pointer = `/body/feature_toggles/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (!isPermissionName(name)) {
        throw authzErrors.invalid_permission(PD.notFeatureNamePermission, { values: { name },
          fields: [{ pointer, detail: 'malformed permission' }],
        });
      }
      if (!known.some((k) => k === name || k.startsWith(name + '.'))) {
        throw authzErrors.invalid_permission(PD.namesNoKnownPermission, { values: { name }, fields: [{ pointer, detail: 'unknown permission' }] });
      }
    }
  }

  /** Link the partner's own tenant (e.g. a wholesaler's billing home). */
  async setHomeTenant(trx: Tx, ctx: RequestContext, id: string, tenantId: string): Promise<void> {
    await repo.updatePartner(trx, id, { home_tenant_id: tenantId, updated_at: this.#w.now() });
    await this.#d.feed.record(trx, 'partner', id);
    await this.#d.audit.record(trx, ctx, { action: 'partner.home_tenant_set', partnerId: id, tenantId, targetType: 'partner', targetId: id });
  }

  // ---- members (partner-members.ts) -----------------------------------------------------------

  listMembers(partnerId: string) {
    return this.#members.listMembers(partnerId);
  }
  member(partnerId: string, userId: string) { return this.#members.member(partnerId, userId); }

  inviteMember(ctx: RequestContext, partnerId: string, input: { email: string; role: PartnerRole }): Promise<InvitationLink> {
    return this.#members.inviteMember(ctx, partnerId, input);
  }

  addMember(trx: Tx, m: NewMember, audit: RequestContext | null): Promise<void> {
    return this.#members.addMember(trx, m, audit);
  }

  listInvitations(partnerId: string) {
    return this.#members.listInvitations(partnerId);
  }

  revokeInvitation(ctx: RequestContext, partnerId: string, invitationId: string): Promise<void> {
    return this.#members.revokeInvitation(ctx, partnerId, invitationId);
  }

  updateMember(ctx: RequestContext, partnerId: string, userId: string, patch: { role?: PartnerRole; status?: 'active' | 'inactive' }): Promise<void> {
    return this.#members.updateMember(ctx, partnerId, userId, patch);
  }

  setMemberRole(ctx: RequestContext, partnerId: string, userId: string, memberRole: string) {
    return this.#members.setMemberRole(ctx, partnerId, userId, memberRole);
  }

  removeMember(ctx: RequestContext, partnerId: string, userId: string): Promise<void> {
    return this.#members.removeMember(ctx, partnerId, userId);
  }
}

/** A new partner as an application makes it: status applied, the capabilities asked for, no configuration. */
export function applicationRow(input: Pick<PartnerApplication, 'name' | 'slug' | 'website' | 'contact_email' | 'description' | 'requested_capabilities'>, now: string): repo.PartnerRow {
  return {
    id: newId('ptr'),
    locale: null,
    slug: input.slug ?? slugify(input.name),
    name: input.name,
    website: input.website ?? null,
    contact_email: input.contact_email.toLowerCase(),
    description: input.description ?? null,
    status: 'applied',
    capabilities: '[]',
    requested_capabilities: JSON.stringify([...new Set(input.requested_capabilities ?? [])]),
    feature_toggles: '{}',
    config: '{}',
    config_version: 0,
    home_tenant_id: null,
    parent_partner_id: null,
    suspended_by_parent: 0,
    status_reason: null,
    applied_at: now,
    approved_at: null,
    approved_by: null,
    created_at: now,
    updated_at: now,
  };
}

export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return s || 'partner';
}

export function toPartnerDto(p: repo.PartnerRow) {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    website: p.website,
    contact_email: p.contact_email,
    description: p.description,
    status: p.status,
    status_reason: p.status_reason,
    capabilities: JSON.parse(p.capabilities) as string[],
    requested_capabilities: JSON.parse(p.requested_capabilities) as string[],
    feature_toggles: JSON.parse(p.feature_toggles) as Record<string, boolean>,
    home_tenant_id: p.home_tenant_id,
    applied_at: p.applied_at,
    approved_at: p.approved_at,
    created_at: p.created_at,
    updated_at: p.updated_at,
    locale: p.locale,
  };
}

/**
 * The checks a section needs beyond its schema, against the catalogs as committed:
 * `features` names only catalog features and switches no retired one on; `roles` names only
 * member roles (catalog `partner`) and delegation roles (catalog `delegation`) that exist.
 * Each refusal carries the JSON pointer of the offending entry.
 *
 * A retired feature is refused only when this save switches it on. One that was already on when
 * it was retired is left as saved: the whole section is saved at once (the owner's switch of any
 * other feature too), so refusing it would block every unrelated change, and it is off for the
 * partner whatever it says (authz/feature-catalog.ts: retired → off). It is not dropped either: a
 * save records only the change its author made.
 */
async function validateSection(trx: Tx, section: ConfigSection, value: unknown, before: unknown): Promise<void> {
  if (value === null || value === undefined) return;
  if (section === 'features') {
    const entries = Object.entries(value as Record<string, boolean>);
    if (entries.length === 0) return;
    const saved = (before ?? {}) as Record<string, boolean>;
    const rows = await featureRepo.featureLifecycles(trx, entries.map(([k]) => k));
    const byKey = new Map(rows.map((r) => [r.key, r.lifecycle]));
    for (const [k, on] of entries) {
      const pointer = `/body/value/${k}`;
      const lc = byKey.get(k);
      if (lc === undefined) throw authzErrors.unknown_feature(PD.thereNoFeatureFeature, { values: { k }, fields: [{ pointer, detail: 'not a feature of the catalog' }] });
      if (lc === 'retired' && on && saved[k] !== true) throw authzErrors.feature_retired(PD.retiredCannotSwitched, { values: { k }, fields: [{ pointer, detail: 'retired' }] });
    }
  }
  if (section === 'roles') {
    const v = value as { member_roles?: string[]; delegation_roles?: string[] };
    for (const [field, catalog] of [
      ['member_roles', 'partner'],
      ['delegation_roles', 'delegation'],
    ] as const) {
      const names = v[field];
      if (!names || names.length === 0) continue;
      const known = await roleQueries.roleIdsInCatalog(trx, catalog, names);
      names.forEach((n, i) => {
        if (!known.has(n)) throw authzErrors.unknown_role(`${n} is not a ${catalog === 'partner' ? 'member' : 'delegation'} role.`, { fields: [{ pointer: `/body/value/${field}/${i}`, detail: 'unknown role' }] });
      });
    }
  }
}
