/**
 * The voucher catalog: what can be issued, and what each type is worth. A type fixes the value
 * so an issuer (an agency's embedded form, a partner through the gateway) chooses a type, never
 * an amount. Tenants choose which types each agency form may issue (form_config).
 */
export interface VoucherType {
  id: string;
  name: string;
  description: string;
  /** minor units (cents); null for service vouchers */
  amount: number | null;
  currency: string | null;
  /** days a voucher stays redeemable after issue */
  validity_days: number;
}

export const VOUCHER_TYPES: readonly VoucherType[] = Object.freeze([
  { id: 'credit_10', name: '$10 account credit', description: 'Ten dollars off the next bill.', amount: 1000, currency: 'USD', validity_days: 365 },
  { id: 'credit_25', name: '$25 account credit', description: 'Twenty-five dollars off the next bill.', amount: 2500, currency: 'USD', validity_days: 365 },
  { id: 'credit_50', name: '$50 account credit', description: 'Fifty dollars off the next bill.', amount: 5000, currency: 'USD', validity_days: 365 },
  { id: 'free_installation', name: 'Free installation', description: 'Standard installation at no charge.', amount: null, currency: null, validity_days: 180 },
  { id: 'speed_boost_1m', name: 'One month speed upgrade', description: 'The next speed tier for one month.', amount: null, currency: null, validity_days: 90 },
  { id: 'data_boost_50gb', name: '50 GB extra data', description: 'A one-off 50 GB data allowance.', amount: null, currency: null, validity_days: 90 },
]);

const BY_ID = new Map(VOUCHER_TYPES.map((t) => [t.id, t]));

export function voucherType(id: string): VoucherType | undefined {
  return BY_ID.get(id);
}

export function isVoucherType(id: string): boolean {
  return BY_ID.has(id);
}

export function toVoucherTypeDto(t: VoucherType) {
  return { id: t.id, name: t.name, description: t.description, amount: t.amount, currency: t.currency, validity_days: t.validity_days };
}
