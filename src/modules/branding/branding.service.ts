/**
 * A partner's brand: a display name, two colours and a logo, set by its owner (or the operator),
 * shown to its own people and — while the operator allows it for that partner — to its customers:
 * in the portal, on the OAuth consent screen, in e-mails and on their PDF invoices, always with
 * "powered by" the provider.
 *
 *  - Colours must stay readable: the primary colour carries white text (buttons) and is used for
 *    text on white (links), so it needs WCAG AA's 4.5:1 against white; the accent colour marks
 *    lines and bars (non-text), so it needs 3:1 (WCAG 1.4.11). Contrast is computed by colord's
 *    a11y plugin (the WCAG 2 relative-luminance formula).
 *  - A logo is sniffed from its bytes (image-size), never trusted by its declared type: PNG, JPEG
 *    or WebP only — an SVG can carry scripts and is refused — at most 256 KiB and 1024×1024 px.
 *    It is kept in the database under the SHA-256 of its bytes, so every instance serves it from
 *    /brand/logos/<hash>.<ext> with a year-long immutable cache, and a changed logo is a new address.
 *  - Which partner's brand a customer sees: the wholesaler that resells it; else the one partner
 *    managing it through an active link (several: none, the provider's look). Never a partner the
 *    operator switched off, or one that is not active.
 */
import { createHash } from 'node:crypto';
import { colord, extend } from 'colord';
import a11yPlugin from 'colord/plugins/a11y';
import { imageSize } from 'image-size';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Executor } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { delegationQueries } from '../delegations/index.ts';
import { partnerErrors, partnerQueries } from '../partners/index.ts';
import { brandingErrors as E } from './branding.errors.ts';
import * as repo from './branding.repo.ts';
import { problemDetails as PD } from './branding.problem-details.ts';

extend([a11yPlugin]);

export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_MAX_PIXELS = 1024;
export const LOGO_MIN_PIXELS = 16;
const LOGO_TYPES: Record<string, { contentType: string; ext: string }> = {
  png: { contentType: 'image/png', ext: 'png' },
  jpg: { contentType: 'image/jpeg', ext: 'jpg' },
  webp: { contentType: 'image/webp', ext: 'webp' },
};
/** The least contrast against white: text and buttons (WCAG 1.4.3 AA), lines and bars (WCAG 1.4.11). */
export const MIN_CONTRAST = { primary_color: 4.5, accent_color: 3 } as const;
export const LOGO_PATH = '/brand/logos';

export interface BrandingDeps {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  /** the provider's name, said as "powered by" beside a partner's brand */
  providerName: string;
}

export interface BrandView {
  partner_id: string;
  partner_name: string;
  display_name: string | null;
  primary_color: string | null;
  accent_color: string | null;
  logo: { url: string; content_type: string; width: number; height: number; size: number } | null;
  customer_branding: 'allowed' | 'off';
  customer_branding_reason: string | null;
  updated_at: string | null;
}

/** The brand as a customer (or a partner's own person) is shown it. */
export interface ShownBrand {
  partner_id: string;
  /** the display name, or the partner's name */
  name: string;
  primary_color: string | null;
  accent_color: string | null;
  /** the logo's address on this server (relative), or null */
  logo_url: string | null;
  logo_sha256: string | null;
  powered_by: string;
}

export interface BrandPatch {
  display_name?: string | null;
  primary_color?: string | null;
  accent_color?: string | null;
}

/** How far a colour contrasts with white (colord rounds it down to two decimals: never up into a pass). */
export function contrastWithWhite(hex: string): number {
  return colord(hex).contrast('#ffffff');
}

export function logoUrl(sha256: string, contentType: string): string {
  const ext = Object.values(LOGO_TYPES).find((t) => t.contentType === contentType)?.ext ?? 'bin';
  return `${LOGO_PATH}/${sha256}.${ext}`;
}

export class BrandingService {
  readonly #d: BrandingDeps;
  constructor(d: BrandingDeps) {
    this.#d = d;
  }

  get providerName(): string {
    return this.#d.providerName;
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }

  async #partner(partnerId: string) {
    const p = await partnerQueries.findPartnerById(this.#d.db.kysely, partnerId);
    if (!p) throw partnerErrors.partner_not_found();
    return p;
  }

  /** The partner's brand as its people and the operator edit it. */
  async get(partnerId: string): Promise<BrandView> {
    const p = await this.#partner(partnerId);
    const b = await repo.findBrand(this.#d.db.kysely, partnerId);
    const logo = b?.logo_sha256 ? await repo.findLogoInfo(this.#d.db.kysely, b.logo_sha256) : undefined;
    return {
      partner_id: p.id,
      partner_name: p.name,
      display_name: b?.display_name ?? null,
      primary_color: b?.primary_color ?? null,
      accent_color: b?.accent_color ?? null,
      logo: logo ? { url: logoUrl(logo.sha256, logo.content_type), content_type: logo.content_type, width: logo.width, height: logo.height, size: logo.size } : null,
      customer_branding: b?.customer_branding ?? 'allowed',
      customer_branding_reason: b?.customer_branding_reason ?? null,
      updated_at: b?.updated_at ?? null,
    };
  }

  /** Change the display name or colours; a colour that would not be readable is refused with its contrast. */
  async update(ctx: RequestContext, partnerId: string, patch: BrandPatch): Promise<BrandView> {
    for (const field of ['primary_color', 'accent_color'] as const) {
      const v = patch[field];
      if (v === undefined || v === null) continue;
      const ratio = contrastWithWhite(v);
      const need = MIN_CONTRAST[field];
      if (ratio < need) {
        throw E.brand_contrast_too_low(PD.hasContrast1White, {
          values: { v, ratio, field, need },
          // said in full next to the field in the portal's form
          fields: [{ pointer: `/body/${field}`, detail: `${v} has a contrast of ${ratio}:1 with white; at least ${need}:1 is needed (WCAG AA). Choose a darker shade.` }],
        });
      }
    }
    await this.#partner(partnerId);
    const before = await repo.findBrand(this.#d.db.kysely, partnerId);
    const changes = Object.fromEntries(
      Object.entries(patch)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, typeof v === 'string' ? (k.endsWith('_color') ? v.toLowerCase() : v.trim() || null) : v])
        .filter(([k, v]) => (before?.[k as keyof repo.BrandRow] ?? null) !== v),
    ) as BrandPatch;
    if (Object.keys(changes).length > 0) {
      await mutate(this.#d.db, async (trx) => {
        await repo.upsertBrand(trx, partnerId, { ...changes, updated_at: this.#now(), updated_by: ctx.actor.userId });
        await this.#d.audit.record(trx, ctx, { action: 'partner.branding_changed', partnerId, targetType: 'partner', targetId: partnerId, details: { changes } });
      });
    }
    return this.get(partnerId);
  }

  /** Replace the logo with an uploaded image (checked from its bytes), or remove it (null). */
  async setLogo(ctx: RequestContext, partnerId: string, data: Buffer | null): Promise<BrandView> {
    await this.#partner(partnerId);
    const logo = data === null ? null : checkLogo(data);
    const sha256 = logo ? createHash('sha256').update(data!).digest('hex') : null;
    await mutate(this.#d.db, async (trx) => {
      if (logo && sha256) await repo.insertLogo(trx, { sha256, content_type: logo.contentType, width: logo.width, height: logo.height, size: data!.length, data: data!, created_at: this.#now() });
      await repo.upsertBrand(trx, partnerId, { logo_sha256: sha256, updated_at: this.#now(), updated_by: ctx.actor.userId });
      await this.#d.audit.record(trx, ctx, {
        action: logo ? 'partner.logo_changed' : 'partner.logo_removed',
        partnerId,
        targetType: 'partner',
        targetId: partnerId,
        details: logo ? { sha256, content_type: logo.contentType, width: logo.width, height: logo.height, bytes: data!.length } : {},
      });
    });
    return this.get(partnerId);
  }

  /** The operator lets this partner's customers see its brand, or not (with a reason). */
  async setCustomerBranding(ctx: RequestContext, partnerId: string, allowed: boolean, reason: string | null): Promise<BrandView> {
    await this.#partner(partnerId);
    const before = await repo.findBrand(this.#d.db.kysely, partnerId);
    const to = allowed ? 'allowed' : 'off';
    if ((before?.customer_branding ?? 'allowed') !== to || (before?.customer_branding_reason ?? null) !== reason) {
      await mutate(this.#d.db, async (trx) => {
        await repo.upsertBrand(trx, partnerId, { customer_branding: to, customer_branding_reason: allowed ? null : reason, updated_at: this.#now() });
        await this.#d.audit.record(trx, ctx, { action: 'partner.customer_branding_changed', partnerId, targetType: 'partner', targetId: partnerId, details: { from: before?.customer_branding ?? 'allowed', to, reason } });
      });
    }
    return this.get(partnerId);
  }

  /** A logo's bytes by its hash (the public, content-addressed address). */
  async logo(sha256: string): Promise<repo.LogoRow> {
    const l = /^[0-9a-f]{64}$/.test(sha256) ? await repo.findLogo(this.#d.db.kysely, sha256) : undefined;
    if (!l) throw E.logo_not_found();
    return l;
  }

  /** The brand the partner's own people see (whatever the operator's switch for customers says), or null when none is set. */
  async ownBrand(partnerId: string, db: Executor = this.#d.db.kysely): Promise<ShownBrand | null> {
    return this.#shown(db, partnerId, false);
  }

  /** The brand this partner's customers see (consent screen, e-mail), or null: none set, switched off, or the partner not active. */
  async customerBrandOfPartner(partnerId: string, db: Executor = this.#d.db.kysely): Promise<ShownBrand | null> {
    return this.#shown(db, partnerId, true);
  }

  /** The brand a customer's people see: its wholesaler's, else its one managing partner's — or null (the provider's look). */
  async brandForTenant(tenantId: string, db: Executor = this.#d.db.kysely): Promise<ShownBrand | null> {
    const wholesaler = await delegationQueries.findWholesalerOf(db, tenantId);
    if (wholesaler) return this.customerBrandOfPartner(wholesaler, db);
    const links = (await delegationQueries.listOpenNonConsentOfTenant(db, tenantId)).filter((d) => d.status === 'active' && d.origin === 'link');
    const partners = [...new Set(links.map((d) => d.partner_id))];
    return partners.length === 1 ? this.customerBrandOfPartner(partners[0], db) : null;
  }

  /** A logo's bytes for a document (PDF), by hash. */
  async logoBytes(sha256: string): Promise<{ data: Buffer; content_type: string } | null> {
    const l = await repo.findLogo(this.#d.db.kysely, sha256);
    return l ? { data: Buffer.from(l.data), content_type: l.content_type } : null;
  }

  async #shown(db: Executor, partnerId: string, forCustomers: boolean): Promise<ShownBrand | null> {
    const [p, b] = await Promise.all([partnerQueries.findPartnerById(db, partnerId), repo.findBrand(db, partnerId)]);
    if (!p || !b) return null;
    if (forCustomers && (b.customer_branding !== 'allowed' || p.status !== 'active')) return null;
    if (!b.display_name && !b.primary_color && !b.logo_sha256) return null;
    const logo = b.logo_sha256 ? await repo.findLogoInfo(db, b.logo_sha256) : undefined;
    return {
      partner_id: p.id,
      name: b.display_name ?? p.name,
      primary_color: b.primary_color,
      accent_color: b.accent_color,
      logo_url: logo ? logoUrl(logo.sha256, logo.content_type) : null,
      logo_sha256: logo?.sha256 ?? null,
      powered_by: this.#d.providerName,
    };
  }
}

/** What a logo is, from its bytes; refused when it is not a small PNG, JPEG or WebP. */
export function checkLogo(data: Buffer): { contentType: string; width: number; height: number } {
  if (data.length > LOGO_MAX_BYTES) throw E.logo_too_large(PD.logoTooLargeKib, { values: { kib: Math.ceil(data.length / 1024), max: LOGO_MAX_BYTES / 1024 } });
  let size: { type?: string; width?: number; height?: number };
  try {
    size = imageSize(data);
  } catch {
    throw E.logo_type_not_allowed(PD.fileNotPngJpeg);
  }
  if (size.type === 'svg') throw E.logo_type_not_allowed(PD.svgLogosNotAccepted);
  const type = size.type ? LOGO_TYPES[size.type] : undefined;
  if (!type) throw E.logo_type_not_allowed(`A ${String(size.type ?? 'file of this kind').toUpperCase()} image is not accepted. Upload a PNG, JPEG or WebP image.`);
  const { width = 0, height = 0 } = size;
  if (width > LOGO_MAX_PIXELS || height > LOGO_MAX_PIXELS || width < LOGO_MIN_PIXELS || height < LOGO_MIN_PIXELS) {
    throw E.logo_dimensions_not_allowed(PD.logoPixelsMustBetween, { values: { width, height, logoMinPixels: LOGO_MIN_PIXELS, logoMaxPixels: LOGO_MAX_PIXELS } });
  }
  return { contentType: type.contentType, width, height };
}
