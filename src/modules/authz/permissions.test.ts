import { describe, expect, it } from 'vitest';
import { grantCovers, isGrant, isPermissionName } from './permissions.ts';

describe('permission names', () => {
  it.each([
    ['billing.invoices.read', true],
    ['orders.create', true],
    ['a', true],
    ['billing.*', false],
    ['Billing.read', false],
    ['billing..read', false],
    ['billing.read.', false],
    ['', false],
    ['billing.in voices', false],
  ])('%s is a permission name: %s', (name, ok) => {
    expect(isPermissionName(name)).toBe(ok);
  });

  it.each([
    ['*', true],
    ['billing.*', true],
    ['billing.invoices.*', true],
    ['billing.*.read', false],
    ['*.read', false],
    ['billing*', false],
  ])('%s is a grant: %s', (g, ok) => {
    expect(isGrant(g)).toBe(ok);
  });
});

describe('grant coverage', () => {
  it.each([
    ['*', 'billing.invoices.read', true],
    ['billing.*', 'billing.invoices.read', true],
    ['billing.invoices.*', 'billing.invoices.read', true],
    ['billing.invoices.read', 'billing.invoices.read', true],
    ['billing.*', 'billingx.read', false],
    ['billing.invoices.read', 'billing.invoices.export', false],
    ['billing.invoices.*', 'billing.summary.read', false],
    ['orders.*', 'orders', false],
  ])('%s covers %s: %s', (grant, perm, ok) => {
    expect(grantCovers(grant, perm)).toBe(ok);
  });
});
