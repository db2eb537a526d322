/**
 * Audit action codes in plain words, for the audit log's table, drawer and filter. One mapping:
 * a code not listed here still reads as words (dots and underscores become spaces).
 */
const ACTIONS: Record<string, string> = {
  'agency.created': 'Agency created',
  'agency_token.created': 'Agency token created',
  'agency_token.revoked': 'Agency token revoked',
  'agency_token.rotated': 'Agency token replaced',
  'agency_token.updated': 'Agency token changed',
  'api_token.created': 'API token created',
  'api_token.revoked': 'API token revoked',
  'app.created': 'App registered',
  'app.deleted': 'App deleted',
  'app.secret_rotated': 'App secret replaced',
  'app.updated': 'App changed',
  'billing.invoices_exported': 'Invoices exported',
  'billing_account.created': 'Billing account opened',
  'delegation.break_glass': 'All access of a partner revoked',
  'feature.created': 'Feature added to the catalog',
  'feature.retired': 'Feature retired',
  'feature.updated': 'Feature changed',
  'gateway.request': 'API request',
  'invitation.accepted': 'Invitation accepted',
  'invitation.declined': 'Invitation declined',
  'oauth.access_token_revoked': 'Access token revoked',
  'oauth.consent_denied': 'Consent refused',
  'oauth.consent_granted': 'Consent given',
  'oauth.grant_revoked': 'App access revoked',
  'oauth.member_authorized': 'Member authorized an app',
  'oauth.member_grant_revoked': 'Member app access revoked',
  'oauth.signing_key_created': 'Signing key created',
  'oauth.signing_key_retention_extended': 'Signing key kept longer',
  'oauth.signing_key_rotated': 'Signing key replaced',
  'partner.agreement_approved': 'Agreement approved',
  'partner.agreement_created': 'Agreement drafted',
  'partner.agreement_signed': 'Agreement signed',
  'partner.approved': 'Partner approved',
  'partner.capabilities_changed': 'Partner capabilities changed',
  'partner.config_changed': 'Partner configuration changed',
  'partner.consolidated_read': 'Partner read across customers',
  'partner.created': 'Partner applied',
  'partner.customer_provisioned': 'Customer set up by partner',
  'partner.earning_approved': 'Earnings approved',
  'partner.earning_created': 'Earnings calculated',
  'partner.earning_paid': 'Payout recorded',
  'partner.earning_recalculated': 'Earnings recalculated after a change in paid invoices',
  'partner.earning_reversed': 'Earnings reversed after a refund',
  'partner.earnings_exported': 'Earnings exported',
  'partner.features_changed': 'Partner features changed',
  'partner.home_tenant_set': 'Partner home tenant set',
  'partner.invitation_revoked': 'Partner invitation withdrawn',
  'partner.reactivated': 'Partner reactivated',
  'partner.referral_code_activated': 'Referral code turned on',
  'partner.referral_code_created': 'Referral code created',
  'partner.referral_code_deactivated': 'Referral code turned off',
  'partner.referral_created': 'Customer signed up through a referral',
  'partner.referral_locked': 'Referral locked to the partner',
  'partner.rejected': 'Partner rejected',
  'partner.suspended': 'Partner suspended',
  'partner.terminated': 'Partner terminated',
  'partner.updated': 'Partner profile changed',
  'partner.user_added': 'Partner member added',
  'partner.user_invited': 'Partner member invited',
  'partner.user_removed': 'Partner member removed',
  'partner.user_role_changed': 'Partner member role changed',
  'resources.demo_seeded': 'Demo data added',
  'tenant.created': 'Tenant created',
  'tenant.deleted': 'Tenant deleted',
  'tenant.invitation_revoked': 'Tenant invitation withdrawn',
  'tenant.invite_code_cleared': 'Invite code cleared',
  'tenant.member_added': 'Tenant member added',
  'tenant.member_invited': 'Tenant member invited',
  'tenant.member_removed': 'Tenant member removed',
  'tenant.member_role_changed': 'Tenant member role changed',
  'tenant.updated': 'Tenant changed',
  'user.created': 'User created',
  'user.disabled': 'User disabled',
  'user.enabled': 'User enabled',
  'user.logged_in': 'Signed in',
  'user.logged_out': 'Signed out',
  'user.login_failed': 'Sign-in failed',
  'user.password_changed': 'Password changed',
  'user.promoted': 'User made operator',
  'user.service_account_created': 'Service account created',
  'user.updated': 'User changed',
  'voucher.issued': 'Voucher issued',
  'voucher.looked_up': 'Voucher looked up',
};

const GROUPS: Record<string, string> = {
  agency: 'agency',
  agency_token: 'agency token',
  api_token: 'API token',
  app: 'app',
  billing: 'billing',
  billing_account: 'billing account',
  delegation: 'delegation',
  invitation: 'invitation',
  oauth: 'app authorization',
  partner: 'partner',
  tenant: 'tenant',
  user: 'user',
};

function words(code: string): string {
  const s = code.replace(/[._]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** 'user.logged_in' → 'Signed in'; 'partner.*' → 'Every partner event'; unknown codes as words. */
export function actionLabel(code: string): string {
  if (ACTIONS[code]) return ACTIONS[code];
  const star = /^([a-z_]+)\.\*$/.exec(code);
  if (star) return `Every ${GROUPS[star[1]!] ?? words(star[1]!).toLowerCase()} event`;
  return words(code);
}

/** the codes the filter offers, each with a wildcard per group */
export function knownActions(): string[] {
  const groups = new Set(Object.keys(ACTIONS).map((c) => c.split('.')[0]!));
  return [...[...groups].map((g) => `${g}.*`), ...Object.keys(ACTIONS)];
}

/** what someone typed or picked in the filter → the code to ask for (a label maps back; a code stays) */
export function actionCode(typed: string): string {
  const t = typed.trim();
  if (!t) return t;
  const lower = t.toLowerCase();
  for (const code of knownActions()) if (actionLabel(code).toLowerCase() === lower) return code;
  return t;
}
