import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const domainErrors = defineErrors('domains', {
  domain_invalid: { status: 400, title: 'This is not a domain an organization can prove it owns' },
  domain_public_suffix: { status: 400, title: 'This is a public suffix shared by many owners' },
  domain_not_found: { status: 404, title: 'Domain not found' },
  domain_already_added: { status: 409, title: 'This organization has already added this domain' },
  domain_taken: { status: 409, title: 'Another organization has verified this domain' },
});

registerUniqueConstraint('organization_domains_owner_type_owner_id_domain_key', 'domain_already_added', 'This organization has already added this domain.');
registerUniqueConstraint('organization_domains_domain_key', 'domain_taken', 'Another organization has already verified this domain.');
