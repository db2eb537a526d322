import { describe, expect, it } from 'vitest';
import type { AccessTokenVerifier } from '../access-token.ts';
import type { LiveTokenState } from './core.ts';
import { identity, identityCached } from './identity.ts';
import { appToken, request, stateWith, testCore } from './steps.fixture.ts';

describe('step identity', () => {
  const t = appToken();
  const tokens = { cached: (x: string) => (x === 'good' ? t : undefined), verify: async () => ({ ok: false, reason: 'The token has expired.' }) } as unknown as AccessTokenVerifier;

  it('admits a cached partner-app token synchronously and derives its caller once', () => {
    const g = testCore({ tokens, live: null });
    const st = stateWith();
    st.credential = { kind: 'jwt', token: 'good', dpop: false };
    expect(identityCached(g, st)).toBeUndefined();
    expect(st.caller?.kind).toBe('app');
    expect(st.partnerId).toBe('ptr_a');
    expect(st.actor).toMatchObject({ type: 'app', partnerId: 'ptr_a', clientId: 'cli_1' });
    const again = stateWith();
    again.credential = st.credential;
    identityCached(g, again);
    expect(again.caller).toBe(st.caller);
  });

  it('refuses a cached token its live state revoked', () => {
    const live: LiveTokenState = { check: () => 'The token was revoked.' };
    const st = stateWith();
    st.credential = { kind: 'jwt', token: 'good', dpop: false };
    const r = identityCached(testCore({ tokens, live }), st);
    expect(r?.code).toBe('invalid_token');
    expect(r?.headers?.['www-authenticate']).toContain('error_description="The token was revoked."');
  });

  it('leaves a token it has not verified to the whole path, which refuses a bad one', async () => {
    const g = testCore({ tokens, live: null });
    const st = stateWith();
    st.credential = { kind: 'jwt', token: 'unknown', dpop: false };
    expect(identityCached(g, st)).toBeUndefined();
    expect(st.caller).toBeNull();
    const r = await identity(g, request(), st);
    expect(r?.code).toBe('invalid_token');
  });

  it('refuses a JWT when no authorization server is configured', async () => {
    const st = stateWith();
    st.credential = { kind: 'jwt', token: 'x', dpop: false };
    expect((await identity(testCore({ tokens: null }), request(), st))?.code).toBe('invalid_token');
  });
});
