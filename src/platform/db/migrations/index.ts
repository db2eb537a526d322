/**
 * The one migration set, in order. Names never change once released; add new files at the end.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';
import { migration as m0001 } from './0001-foundation.ts';
import { migration as m0002 } from './0002-delegations.ts';
import { migration as m0003 } from './0003-oauth.ts';
import { migration as m0004 } from './0004-resources.ts';
import { migration as m0005 } from './0005-agencies.ts';
import { migration as m0006 } from './0006-audit-head.ts';
import { migration as m0007 } from './0007-oauth-revocation.ts';
import { migration as m0008 } from './0008-row-level-security.ts';
import { migration as m0009 } from './0009-oauth-hashed-ids.ts';
import { migration as m0010 } from './0010-client-auth-method.ts';
import { migration as m0011 } from './0011-api-token-revoked-reason.ts';
import { migration as m0012 } from './0012-no-global-write-lock.ts';
import { migration as m0013 } from './0013-partner-program.ts';
import { migration as m0014 } from './0014-msp-workspace.ts';
import { migration as m0015 } from './0015-notifications.ts';
import { migration as m0016 } from './0016-strong-auth.ts';
import { migration as m0017 } from './0017-plans.ts';
import { migration as m0018 } from './0018-jit-access.ts';
import { migration as m0019 } from './0019-partner-config.ts';
import { migration as m0020 } from './0020-msp-speed.ts';
import { migration as m0021 } from './0021-program-earnings-periods.ts';
import { migration as m0022 } from './0022-jit-eligible-roles.ts';
import { migration as m0023 } from './0023-feature-catalog.ts';
import { migration as m0024 } from './0024-partner-usage.ts';
import { migration as m0025 } from './0025-oauth-store-partial-indexes.ts';
import { migration as m0026 } from './0026-renewal-requester.ts';
import { migration as m0027 } from './0027-app-auth-methods.ts';
import { migration as m0028 } from './0028-shared-instance-files.ts';
import { migration as m0029 } from './0029-export-tenants.ts';
import { migration as m0030 } from './0030-app-id-token-alg.ts';
import { migration as m0031 } from './0031-catalog-plain-words.ts';
import { migration as m0032 } from './0032-organization-domains.ts';
import { migration as m0033 } from './0033-scim.ts';
import { migration as m0034 } from './0034-sso-connections.ts';
import { migration as m0035 } from './0035-data-sources.ts';
import { migration as m0036 } from './0036-stripe-and-imports.ts';
import { migration as m0037 } from './0037-link-relationship.ts';
import { migration as m0038 } from './0038-writes-to-provider.ts';
import { migration as m0039 } from './0039-shared-signals.ts';
import { migration as m0040 } from './0040-two-tier-partners.ts';
import { migration as m0042 } from './0042-purposes.ts';
import { migration as m0041 } from './0041-access-templates.ts';
import { migration as m0043 } from './0043-audit-streaming.ts';
import { migration as m0044 } from './0044-ingest-speed.ts';
import { migration as m0045 } from './0045-invoice-totals.ts';
import { migration as m0046 } from './0046-partner-month-totals.ts';
import { migration as m0047 } from './0047-ticket-totals.ts';
import { migration as m0048 } from './0048-lean-sync-records.ts';
import { migration as m0049 } from './0049-invoice-write-path.ts';
import { migration as m0050 } from './0050-partner-overdue-totals.ts';
import { migration as m0051 } from './0051-domain-dns-unanswered.ts';
import { migration as m0065 } from './0065-invoice-credits.ts';
import { migration as m0073 } from './0073-migration-phases.ts';
import { migration as m0075 } from './0075-partner-branding.ts';
import { migration as m0090 } from './0090-languages.ts';
import { migration as m0091 } from './0091-ciba.ts';
import { migration as m0100 } from './0100-alert-facts.ts';
import { migration as m0120 } from './0120-link-limits.ts';
import { migration as m0121 } from './0121-subscribers.ts';
import { migration as m0122 } from './0122-sso-sessions.ts';
import { migration as m0123 } from './0123-saml-idp-initiated.ts';
import { migration as m0124 } from './0124-saml-sp-rotation.ts';
import { migration as m0125 } from './0125-saml-metadata-failure-params.ts';
import { migration as m0126 } from './0126-purpose-dpv.ts';
import { migration as m0127 } from './0127-app-keys.ts';
import { migration as m0128 } from './0128-export-error-code.ts';
import { migration as m0129 } from './0129-oauth-store-expiry-by-grant.ts';

export const MIGRATIONS: [string, PartnergateMigration][] = [
  ['0001-foundation', m0001],
  ['0002-delegations', m0002],
  ['0003-oauth', m0003],
  ['0004-resources', m0004],
  ['0005-agencies', m0005],
  ['0006-audit-head', m0006],
  ['0007-oauth-revocation', m0007],
  ['0008-row-level-security', m0008],
  ['0009-oauth-hashed-ids', m0009],
  ['0010-client-auth-method', m0010],
  ['0011-api-token-revoked-reason', m0011],
  ['0012-no-global-write-lock', m0012],
  ['0013-partner-program', m0013],
  ['0014-msp-workspace', m0014],
  ['0015-notifications', m0015],
  ['0016-strong-auth', m0016],
  ['0017-plans', m0017],
  ['0018-jit-access', m0018],
  ['0019-partner-config', m0019],
  ['0020-msp-speed', m0020],
  ['0021-program-earnings-periods', m0021],
  ['0022-jit-eligible-roles', m0022],
  ['0023-feature-catalog', m0023],
  ['0024-partner-usage', m0024],
  ['0025-oauth-store-partial-indexes', m0025],
  ['0026-renewal-requester', m0026],
  ['0027-app-auth-methods', m0027],
  ['0028-shared-instance-files', m0028],
  ['0029-export-tenants', m0029],
  ['0030-app-id-token-alg', m0030],
  ['0031-catalog-plain-words', m0031],
  ['0032-organization-domains', m0032],
  ['0033-scim', m0033],
  ['0034-sso-connections', m0034],
  ['0035-data-sources', m0035],
  ['0036-stripe-and-imports', m0036],
  ['0037-link-relationship', m0037],
  ['0038-writes-to-provider', m0038],
  ['0039-shared-signals', m0039],
  ['0040-two-tier-partners', m0040],
  ['0041-access-templates', m0041],
  ['0042-purposes', m0042],
  ['0043-audit-streaming', m0043],
  ['0044-ingest-speed', m0044],
  ['0045-invoice-totals', m0045],
  ['0046-partner-month-totals', m0046],
  ['0047-ticket-totals', m0047],
  ['0048-lean-sync-records', m0048],
  ['0049-invoice-write-path', m0049],
  ['0050-partner-overdue-totals', m0050],
  ['0051-domain-dns-unanswered', m0051],
  ['0065-invoice-credits', m0065],
  ['0073-migration-phases', m0073],
  ['0075-partner-branding', m0075],
  ['0090-languages', m0090],
  ['0091-ciba', m0091],
  ['0100-alert-facts', m0100],
  ['0120-link-limits', m0120],
  ['0121-subscribers', m0121],
  ['0122-sso-sessions', m0122],
  ['0123-saml-idp-initiated', m0123],
  ['0124-saml-sp-rotation', m0124],
  ['0125-saml-metadata-failure-params', m0125],
  ['0126-purpose-dpv', m0126],
  ['0127-app-keys', m0127],
  ['0128-export-error-code', m0128],
  ['0129-oauth-store-expiry-by-grant', m0129],
];
