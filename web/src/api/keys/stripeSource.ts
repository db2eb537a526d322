/** Cache keys of a data source's Stripe set-up: under the source's own key, so a change to the source refreshes them too. */
export const stripeSourceKeys = {
  status: (id: string) => ['data-sources', id, 'stripe'] as const,
  customers: (id: string) => ['data-sources', id, 'stripe', 'customers'] as const,
  tenantChoices: ['data-sources', 'stripe', 'tenant-choices'] as const,
  accountChoices: (tenantId: string) => ['data-sources', 'stripe', 'account-choices', tenantId] as const,
};
