/**
 * The languages people read Partnergate in, and the operator's own words per language on the sign-in
 * and consent pages: the product name, the support address and the legal links. The operator writes
 * them for any language it offers; a page in a language without its own words uses the default
 * language's, then Partnergate's.
 */
import type { Clock } from '../../platform/clock.ts';
import { mutate, type Db } from '../../platform/db/database.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { DEFAULT_LOCALE, LANGUAGE_NAMES, LANGUAGES, formattingLocale, type Language, type Locale } from '../../platform/i18n/locales.ts';
import type { AuditLog } from '../audit/index.ts';
import * as repo from './languages.repo.ts';

export interface LanguagesDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
}

export interface PlatformTexts {
  product_name: string | null;
  support_email: string | null;
  terms_url: string | null;
  privacy_url: string | null;
}

const FIELDS = ['product_name', 'support_email', 'terms_url', 'privacy_url'] as const;

export interface PlatformTextsDto extends PlatformTexts {
  locale: Language;
  language: string;
  updated_at: string | null;
}

export class LanguagesService {
  readonly #d: LanguagesDeps;

  constructor(d: LanguagesDeps) {
    this.#d = d;
  }

  /** Every language with the operator's words for it (null where none were written). */
  async listTexts(): Promise<PlatformTextsDto[]> {
    const rows = new Map((await repo.listPlatformTexts(this.#d.db.kysely)).map((r) => [r.locale, r]));
    return LANGUAGES.map((locale) => {
      const r = rows.get(locale);
      return {
        locale,
        language: LANGUAGE_NAMES[locale],
        product_name: r?.product_name ?? null,
        support_email: r?.support_email ?? null,
        terms_url: r?.terms_url ?? null,
        privacy_url: r?.privacy_url ?? null,
        updated_at: r?.updated_at ?? null,
      };
    });
  }

  /** The words a page in this locale shows: its language's, each missing one from the default language's. */
  async textsFor(locale: Locale): Promise<PlatformTexts> {
    const rows = new Map((await repo.listPlatformTexts(this.#d.db.kysely)).map((r) => [r.locale, r]));
    const own = rows.get(formattingLocale(locale));
    const fallback = rows.get(DEFAULT_LOCALE);
    const out = {} as PlatformTexts;
    for (const f of FIELDS) out[f] = own?.[f] ?? fallback?.[f] ?? null;
    return out;
  }

  /** Write the operator's words for one language; all of them empty removes the language's row. Audited. */
  async setTexts(ctx: RequestContext, locale: Language, texts: PlatformTexts): Promise<PlatformTextsDto> {
    const now = this.#d.clock.now().toISOString();
    const clean = Object.fromEntries(FIELDS.map((f) => [f, texts[f]?.trim() ? texts[f]!.trim() : null])) as unknown as PlatformTexts;
    const empty = FIELDS.every((f) => clean[f] === null);
    await mutate(this.#d.db, async (trx) => {
      if (empty) await repo.deletePlatformTexts(trx, locale);
      else await repo.upsertPlatformTexts(trx, { locale, ...clean, updated_at: now, updated_by: ctx.actor.userId ?? null });
      await this.#d.audit.record(trx, ctx, { action: 'platform_texts.updated', targetType: 'platform_texts', targetId: locale, details: { locale, ...clean } });
    });
    return { locale, language: LANGUAGE_NAMES[locale], ...clean, updated_at: empty ? null : now };
  }
}
