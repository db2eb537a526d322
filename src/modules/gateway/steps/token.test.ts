import { describe, expect, it } from 'vitest';
import { request, stateWith, testCore } from './steps.fixture.ts';
import { token } from './token.ts';

describe('step token', () => {
  const g = testCore();

  it('takes a Bearer JWT, a personal API token and a DPoP-bound JWT from the Authorization header', () => {
    const st = stateWith();
    expect(token(g, request({ headers: { authorization: 'Bearer eyJ.a.b' } }), st)).toBeUndefined();
    expect(st.credential).toEqual({ kind: 'jwt', token: 'eyJ.a.b', dpop: false });
    expect(token(g, request({ headers: { authorization: 'Bearer pgpat_x' } }), st)).toBeUndefined();
    expect(st.credential).toEqual({ kind: 'pat', token: 'pgpat_x' });
    expect(token(g, request({ headers: { authorization: 'DPoP  eyJ.c.d ' } }), st)).toBeUndefined();
    expect(st.credential).toEqual({ kind: 'jwt', token: 'eyJ.c.d', dpop: true });
  });

  it('falls back to the session cookie', () => {
    const st = stateWith();
    expect(token(g, request({ sessionCookie: 'sess' }), st)).toBeUndefined();
    expect(st.credential).toEqual({ kind: 'session', token: 'sess' });
  });

  it('refuses a malformed header with invalid_token and a challenge naming the resource metadata', () => {
    const r = token(g, request({ headers: { authorization: 'Basic abc' } }), stateWith());
    expect(r?.code).toBe('invalid_token');
    expect(r?.status).toBe(401);
    expect(r?.headers?.['www-authenticate']).toContain('error="invalid_request"');
    expect(r?.headers?.['www-authenticate']).toContain('resource_metadata="https://gw.example/');
  });

  it('refuses a request with no credential (a token in the query does not count)', () => {
    const r = token(g, request({ query: 'access_token=eyJ.a.b' }), stateWith());
    expect(r?.code).toBe('authentication_required');
  });
});
