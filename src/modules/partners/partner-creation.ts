/**
 * Partners the operator makes — one from the portal's form or POST /api/v1/partners, or many from a
 * file (partner-import.ts) — for a partner signed on the phone or migrated from another system.
 *
 * There is one way an active partner comes to be: an application that the operator approves. So
 * an operator-made partner is written as an application (`partner.created`) and approved through
 * PartnersService.transition — its checks (at least one capability), its status hooks and its
 * `partner.approved` event — in the same transaction as what comes with it: the configuration of
 * a template partner (each section a version, `partner.config_changed`), the invitation of its
 * first owner (`partner.user_invited`, its e-mail queued in the transaction) and the plans it may
 * offer (`partner.plan_allowed`, through the plans module's hook). A refusal at any step leaves
 * nothing behind. `check` runs every step of it and rolls back, so "ready" in a preview means
 * the same writes would succeed.
 */
import type { Tx } from '../../platform/db/database.ts';
import { mutate, serviceWrites } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { InvitationLink } from '../identity/index.ts';
import { CONFIG_SECTIONS, parsePartnerConfig, type ConfigSection, type PartnerConfig } from '../authz/index.ts';
import { partnerErrors as E } from './partners.errors.ts';
import * as repo from './partners.repo.ts';
import { applicationRow, type Capability, type PartnersDeps, type PartnersService } from './partners.service.ts';
import { problemDetails as PD } from './partners.problem-details.ts';

export interface NewPartner {
  name: string;
  slug?: string;
  website?: string;
  contact_email: string;
  description?: string;
  capabilities: Capability[];
  /** the first owner, invited by e-mail */
  owner: { email: string };
  /** the id or slug of a partner whose configuration the new one starts from */
  configuration_template?: string;
  /** the plans it may offer, by id or name; a price range of the plan's own price when none is given */
  plans?: { plan: string; min_price_minor?: number; max_price_minor?: number }[];
}

/** The plans module's step: allow these plans to the new partner in its transaction (services.ts wires it). */
export type InitialPlans = (trx: Tx, ctx: RequestContext, partnerId: string, offers: NonNullable<NewPartner['plans']>, pointer: string) => Promise<void>;

export interface CreatedPartner {
  partner: repo.PartnerRow;
  invitation: InvitationLink;
}

export interface MakeOptions {
  /** where the input's fields are, for the refusals' pointers ('/body' for a request; '' for a row of a file) */
  pointer?: string;
  /** how the operator made it: one request (the portal's form) or a file */
  via?: 'request' | 'import';
}

/** Thrown to roll a check back with what it would have made. */
class CheckOnly extends Error {
  readonly made: CreatedPartner;
  constructor(made: CreatedPartner) {
    super('check only');
    this.made = made;
  }
}

export class PartnerCreation {
  readonly #d: PartnersDeps;
  readonly #partners: PartnersService;
  readonly #w: ReturnType<typeof serviceWrites>;
  #initialPlans: InitialPlans | null = null;

  constructor(d: PartnersDeps, partners: PartnersService) {
    this.#d = d;
    this.#partners = partners;
    this.#w = serviceWrites(() => d);
  }

  /** The plans module allows the initial plans (it depends on this module, so it is handed in). */
  setInitialPlans(fn: InitialPlans): void {
    this.#initialPlans = fn;
  }

  /** Make the partner, active, with everything that comes with it; all or nothing. */
  create(ctx: RequestContext, input: NewPartner, opts: MakeOptions = {}): Promise<CreatedPartner> {
    return this.#w.write((trx) => this.#make(trx, ctx, input, opts));
  }

  /** Every step of create, rolled back: what it would make, or the refusal it would meet. */
  async check(ctx: RequestContext, input: NewPartner, opts: MakeOptions = {}): Promise<CreatedPartner> {
    try {
      await mutate(this.#d.db, async (trx) => {
        throw new CheckOnly(await this.#make(trx, ctx, input, opts));
      });
    } catch (e) {
      if (e instanceof CheckOnly) return e.made;
      throw e;
    }
    throw new Error('unreachable');
  }

  async #make(trx: Tx, ctx: RequestContext, input: NewPartner, { pointer = '/body', via = 'request' }: MakeOptions): Promise<CreatedPartner> {
    const capabilities = [...new Set(input.capabilities)];
    if (capabilities.length === 0) throw E.capabilities_required(PD.chooseLeastOneThing, { fields: [{ pointer: `${pointer}/capabilities`, detail: 'at least one capability' }] });
    const template = input.configuration_template ? await this.#template(trx, input.configuration_template, `${pointer}/configuration_template`) : null;
    const email = input.owner.email.trim().toLowerCase();
    const member = await repo.findMembershipByEmail(trx, email);
    if (member) {
      throw E.already_partner_member(PD.alreadyBelongsPartnerPerson, { values: { email, partner_name: member.partner_name }, fields: [{ pointer: `${pointer}/owner/email`, detail: 'already a member of a partner' }] });
    }

    // the application, as the public form writes it (but by the operator, asking for what it grants)
    const row = applicationRow({ ...input, requested_capabilities: capabilities }, this.#w.now());
    if (await repo.findPartnerBySlug(trx, row.slug)) throw E.partner_slug_taken(PD.anotherPartnerAlreadyUses, { fields: [{ pointer: `${pointer}/${input.slug ? 'slug' : 'name'}`, detail: 'slug taken' }] });
    await repo.insertPartner(trx, row);
    await this.#d.feed.record(trx, 'partner', row.id);
    await this.#d.audit.record(trx, ctx, {
      action: 'partner.created',
      partnerId: row.id,
      targetType: 'partner',
      targetId: row.id,
      details: { name: row.name, slug: row.slug, by: 'operator', via, requested_capabilities: capabilities, owner_invited: email, configuration_template: template?.id ?? null },
    });
    // …approved: the one way a partner becomes active
    const partner = await this.#partners.transition(ctx, row.id, 'approve', { capabilities }, trx);

    if (template) {
      const config = parsePartnerConfig(template.config);
      for (const section of CONFIG_SECTIONS) {
        const value = config[section];
        if (value !== undefined) await this.#partners.updateConfigSection(ctx, row.id, section as ConfigSection, value as PartnerConfig[ConfigSection], undefined, trx);
      }
    }

    const invitation = await this.#d.identity.invite(trx, { email, scopeType: 'partner', scopeId: row.id, role: 'PARTNER_OWNER', invitedBy: ctx.actor.userId, acceptLanguage: ctx.acceptLanguage });
    await this.#d.audit.record(trx, ctx, { action: 'partner.user_invited', partnerId: row.id, targetType: 'invitation', targetId: invitation.id, details: { email, role: 'PARTNER_OWNER' } });

    if (input.plans && input.plans.length > 0) {
      if (!this.#initialPlans) throw new Error('plans are not wired to partner creation');
      await this.#initialPlans(trx, ctx, row.id, input.plans, `${pointer}/plans`);
    }
    const after = await repo.findPartnerById(trx, row.id);
    return { partner: after ?? partner, invitation };
  }

  async #template(trx: Tx, ref: string, pointer: string): Promise<repo.PartnerRow> {
    const p = (await repo.findPartnerById(trx, ref)) ?? (await repo.findPartnerBySlug(trx, ref.trim().toLowerCase()));
    if (!p) throw E.template_partner_not_found(PD.noPartnerCopyConfiguration, { values: { ref }, fields: [{ pointer, detail: 'no such partner' }] });
    return p;
  }
}

/** True when `e` is a refusal a person can act on (as opposed to a fault). */
export function isRefusal(e: unknown): e is AppError {
  return e instanceof AppError && e.status < 500;
}
