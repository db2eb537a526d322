import { defineErrors } from '../../platform/errors/app-error.ts';

export const alertErrors = defineErrors('alerts', {
  alert_not_found: { status: 404, title: 'Alert not found' },
  alert_already_resolved: { status: 409, title: 'The alert is already resolved' },
  link_not_found: { status: 404, title: 'No active link with this customer' },
  commitments_currency_mismatch: { status: 400, title: 'The billing threshold must be in the currency of the customer’s invoices' },
});
