/** The operator's ticked permissions ↔ a partner's feature toggles, as tables of cases. */
import { describe, expect, it } from 'vitest';
import { allowedBy, togglesFor } from './permissionToggles.ts';

const CATALOG = ['billing.invoices.read', 'billing.invoices.export', 'orders.read', 'orders.create', 'support.tickets.read'];

describe('allowedBy', () => {
  it.each<[Record<string, boolean>, string[]]>([
    [{}, CATALOG],
    [{ 'billing.invoices.export': false }, ['billing.invoices.read', 'orders.read', 'orders.create', 'support.tickets.read']],
    [{ orders: false }, ['billing.invoices.read', 'billing.invoices.export', 'support.tickets.read']],
    [{ orders: false, 'orders.read': true }, ['billing.invoices.read', 'billing.invoices.export', 'support.tickets.read']],
    [{ 'billing.invoices': false }, ['orders.read', 'orders.create', 'support.tickets.read']],
  ])('%j', (toggles, want) => {
    expect(allowedBy(CATALOG, toggles)).toEqual(want);
  });
});

describe('togglesFor', () => {
  it.each<[string, string[], Record<string, boolean>, Record<string, boolean>]>([
    ['everything ticked, nothing set: nothing to say', CATALOG, {}, {}],
    ['one unticked: that one off', CATALOG.filter((p) => p !== 'billing.invoices.export'), {}, { 'billing.invoices.export': false }],
    ['a whole area unticked: one toggle for the area', ['billing.invoices.read', 'billing.invoices.export', 'support.tickets.read'], {}, { orders: false }],
    ['ticked again: the earlier toggle is switched back on', CATALOG, { orders: false }, { orders: true }],
    ['a toggle outside the data areas is left alone', CATALOG, { 'tenant.members': false }, {}],
  ])('%s', (_, allowed, current, want) => {
    expect(togglesFor(allowed, CATALOG, current)).toEqual(want);
  });

  it('what is ticked is exactly what the toggles allow', () => {
    const allowed = ['billing.invoices.read', 'orders.create'];
    const current = { orders: false, 'billing.invoices.export': false };
    expect(allowedBy(CATALOG, { ...current, ...togglesFor(allowed, CATALOG, current) })).toEqual(allowed);
  });
});
