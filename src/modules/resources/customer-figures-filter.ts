/**
 * What narrows the MSP's "customers I manage" figures (GET /api/v1/partner/customers/figures) and
 * what each row says of its link, so the page pages, searches, filters and sorts on the server and
 * reads nothing else: the name search (contains, case-insensitive, done here on the names the
 * tenants module returns, so SQLite and PostgreSQL answer alike whatever their collation — as the
 * consolidated views' `q` does), the link's role, and whose link it is (a distributor's own, or one
 * reseller's). The link a row shows is the one the member's decision goes through.
 */
import type { Allowed } from '../authz/index.ts';

export interface FiguresFilter {
  /** the customer's name contains it, any case */
  q?: string;
  /** the link's role (MSP_FULL …) */
  role?: string;
  /** `own`: the partner's own links; a reseller's id: the customers reached through that reseller's links */
  reseller_id?: string;
}

/** What a row shows of its link: read from the partner's delegations for the page's customers only. */
export interface LinkFacts {
  delegation_id: string;
  role: string;
  status: string;
  ends_at: string;
  renewal_ends_at: string | null;
  /** a distributor's customer reached through a reseller's link; null: the partner's own */
  through_reseller: { id: string; name: string } | null;
  tenant_slug: string;
}

/** The reseller filter's value for the partner's own links. */
export const OWN_LINKS = 'own';

/** Does the decision's link pass the role and reseller filters (`reseller`: whose link, null = own)? */
export function linkMatches(f: FiguresFilter, d: Allowed, reseller: string | null): boolean {
  if (f.role && d.role !== f.role) return false;
  if (f.reseller_id && (reseller ?? OWN_LINKS) !== f.reseller_id) return false;
  return true;
}

/** The needle of a name search, or null: none (blank). Lower-cased the way `nameMatches` compares. */
export function needleOf(q: string | undefined): string | null {
  const n = q?.trim().toLowerCase();
  return n ? n : null;
}

/** Does the name contain the needle, any case (the same comparison on every database). */
export function nameMatches(name: string, needle: string): boolean {
  return name.toLowerCase().includes(needle);
}
