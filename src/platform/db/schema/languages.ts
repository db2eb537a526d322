/**
 * Row shapes of the operator's own words per language on the sign-in and consent pages
 * (modules/languages). Conventions: schema.ts.
 */

export interface PlatformTextsTable {
  /** a language tag Partnergate has a catalog for */
  locale: string;
  product_name: string | null;
  support_email: string | null;
  terms_url: string | null;
  privacy_url: string | null;
  updated_at: string;
  updated_by: string | null;
}
