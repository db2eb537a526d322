/** Row shapes of the domains module's table (migration 0032). */
export interface OrganizationDomainsTable {
  id: string;
  owner_type: 'partner' | 'tenant';
  owner_id: string;
  /** lower-case, IDNA (punycode) form */
  domain: string;
  /** published in DNS as `partnergate-verification=<token>`: public, not a credential */
  token: string;
  status: 'pending' | 'verified' | 'failed';
  verified_at: string | null;
  last_checked_at: string | null;
  last_check_result: string | null;
  /** since when the re-checks of a verified domain get no definite answer from DNS; null while they do */
  dns_unanswered_since: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}
