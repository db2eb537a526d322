import { describe, expect, it } from 'vitest';
import { newRateLimits, type Caller } from './core.ts';
import { purpose } from './purpose.ts';
import { appCaller, appToken, request, rule, stateWith, testCore } from './steps.fixture.ts';

/** The catalog's names and what each delegation holds now, as the purpose index answers them. */
const CATALOG: Record<string, string> = { billing_management: 'Billing management', support: 'Customer support', fraud_prevention: 'Fraud prevention' };
const HELD: Record<string, readonly string[]> = { dlg_a: ['billing_management'] };
const core = () => testCore({ purposes: { of: (id) => HELD[id] ?? [], nameOf: (id) => CATALOG[id] } });

function app(claim: string[] | null): Caller {
  const c = appCaller();
  return { ...c, token: appToken(claim === null ? {} : { purpose: claim }) } as Caller;
}

function member(claim: string[]): Caller {
  return {
    kind: 'user',
    fromAppToken: true,
    defaultTenant: null,
    principal: { type: 'user', userId: 'usr_m' },
    partnerId: 'ptr_a',
    rateKey: 't:m',
    scopes: null,
    claimTenant: null,
    purposes: claim,
    limits: newRateLimits(),
    admission: null,
    admitted: 0,
  };
}

// route's purpose | X-Purpose | caller | delegation | → refusal code (null: admitted) | purpose checked
const CASES: [string, string | null, string | undefined, Caller, string | null, string | null, string | null][] = [
  ['route for P, token and link hold P', 'billing_management', undefined, app(['billing_management']), 'dlg_a', null, 'billing_management'],
  ['route for P, token lacks P', 'billing_management', undefined, app(['support']), 'dlg_a', 'purpose_required', 'billing_management'],
  ['route for P, token has no claim', 'billing_management', undefined, app(null), 'dlg_a', 'purpose_required', 'billing_management'],
  ['route for P, token has P, link withdrew it', 'support', undefined, app(['support']), 'dlg_a', 'purpose_revoked', 'support'],
  ['route for P, the call names P', 'billing_management', 'billing_management', app(['billing_management']), 'dlg_a', null, 'billing_management'],
  ['route for P, the call names another', 'billing_management', 'support', app(['billing_management', 'support']), 'dlg_a', 'purpose_mismatch', 'billing_management'],
  ['the call names a malformed purpose', null, 'Support!', app(['support']), 'dlg_a', 'purpose_invalid', null],
  ['the call names two purposes', null, 'support, billing_management', app(['support']), 'dlg_a', 'purpose_invalid', null],
  ['the call names one not in the catalog', null, 'made_up', app(['made_up']), 'dlg_a', 'purpose_invalid', null],
  ['route for none, the call names one the access holds', null, 'billing_management', app(['billing_management']), 'dlg_a', null, 'billing_management'],
  ['route for none, the call names one the access lacks', null, 'fraud_prevention', app(['billing_management']), 'dlg_a', 'purpose_required', 'fraud_prevention'],
  ['route for none, no purpose named', null, undefined, app(null), 'dlg_a', null, null],
  ["an MSP member's token with P, the link holds P", 'billing_management', undefined, member(['billing_management']), 'dlg_a', null, 'billing_management'],
  ["an MSP member's token without P", 'billing_management', undefined, member([]), 'dlg_a', 'purpose_required', 'billing_management'],
  ["an MSP member's token with P, the link does not hold it", 'support', undefined, member(['support']), 'dlg_a', 'purpose_revoked', 'support'],
];

describe('step purpose', () => {
  it.each(CASES)('%s', (_, routePurpose, named, caller, delegationId, code, checked) => {
    const st = stateWith(caller);
    st.delegationId = delegationId;
    const r = purpose(core(), request({ headers: named === undefined ? {} : { 'x-purpose': named } }), rule({ purpose: routePurpose }), st);
    expect(r?.code ?? null).toBe(code);
    expect(st.refusal).toBe(code);
    expect(st.purpose).toBe(checked);
  });

  it("names the purposes in the catalog's words", () => {
    const st = stateWith(app(['billing_management']));
    st.delegationId = 'dlg_a';
    const r = purpose(core(), request({ headers: { 'x-purpose': 'support' } }), rule({ purpose: 'billing_management' }), st);
    expect(r?.detail).toBe('This route is for Billing management (billing_management), and the request named Customer support (support). Leave X-Purpose out, or name billing_management.');
  });

  it("asks nothing of a customer's own people", () => {
    const own = { ...member([]), partnerId: null } as Caller;
    expect(purpose(core(), request(), rule({ purpose: 'billing_management' }), stateWith(own))).toBeUndefined();
  });
});
