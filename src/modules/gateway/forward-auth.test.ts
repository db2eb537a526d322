import { describe, expect, it } from 'vitest';
import { forwardedOrigin, originalRequest, type ForwardAuthEndpoint } from './forward-auth.ts';

const NGINX = ['X-Original-Method', 'POST', 'X-Original-URI', '/resources/v1/orders'];
const TRAEFIK = ['X-Forwarded-Method', 'GET', 'X-Forwarded-Uri', '/resources/v1/orders?limit=5'];
const AUTH = ['Authorization', 'Bearer abc'];

type Case = [string, ForwardAuthEndpoint, string[], string | null, string];

// [what, endpoint, raw headers, path suffix (Envoy), expected: "METHOD uri" or the refusal code]
const CASES: Case[] = [
  ['NGINX pair at the plain endpoint', 'any', [...AUTH, ...NGINX], null, 'POST /resources/v1/orders'],
  ['Traefik pair at the plain endpoint', 'any', [...AUTH, ...TRAEFIK], null, 'GET /resources/v1/orders?limit=5'],
  ['Envoy suffix at the plain endpoint', 'any', AUTH, '/resources/v1/orders?limit=1', 'DELETE /resources/v1/orders?limit=1'],
  ['nothing names the request', 'any', AUTH, null, 'forward_auth_request_invalid'],
  ["NGINX's pair and a client's Traefik pair", 'any', [...NGINX, ...TRAEFIK], null, 'forward_auth_request_conflict'],
  ["a client's half pair next to NGINX's", 'any', [...NGINX, 'X-Forwarded-Uri', '/resources/v1/invoices'], null, 'forward_auth_request_conflict'],
  ["Envoy's suffix and a client's pair", 'any', TRAEFIK, '/resources/v1/orders', 'forward_auth_request_conflict'],
  ['Envoy suffix "/" (a trailing slash) and a pair', 'any', TRAEFIK, '/', 'forward_auth_request_conflict'],
  ['the NGINX endpoint reads its pair', 'nginx', NGINX, null, 'POST /resources/v1/orders'],
  ["the NGINX endpoint refuses a client's Traefik pair", 'nginx', [...NGINX, ...TRAEFIK], null, 'forward_auth_request_conflict'],
  ['the NGINX endpoint without its pair', 'nginx', TRAEFIK, null, 'forward_auth_request_conflict'],
  ['the NGINX endpoint with nothing', 'nginx', AUTH, null, 'forward_auth_request_invalid'],
  ['the NGINX endpoint, half its pair', 'nginx', ['X-Original-Method', 'GET'], null, 'forward_auth_request_invalid'],
  ['the Traefik endpoint reads its pair', 'traefik', TRAEFIK, null, 'GET /resources/v1/orders?limit=5'],
  ["the Traefik endpoint refuses a client's NGINX pair", 'traefik', [...TRAEFIK, ...NGINX], null, 'forward_auth_request_conflict'],
  ['a repeated method header', 'nginx', [...NGINX, 'x-original-method', 'GET'], null, 'forward_auth_request_conflict'],
  ['a repeated URI header', 'traefik', [...TRAEFIK, 'X-Forwarded-Uri', '/resources/v1/orders'], null, 'forward_auth_request_conflict'],
  ['the same header in another spelling', 'traefik', [...TRAEFIK, 'x_forwarded_uri', '/resources/v1/invoices'], null, 'forward_auth_request_conflict'],
  ["a client's underscore pair next to NGINX's", 'nginx', [...NGINX, 'x_forwarded_method', 'GET'], null, 'forward_auth_request_conflict'],
  ['two Authorization headers', 'any', [...NGINX, ...AUTH, 'authorization', 'Bearer other'], null, 'forward_auth_request_conflict'],
  ['two X-Active-Tenant-Id headers', 'any', [...NGINX, 'x-active-tenant-id', 'tnt_a', 'x-active-tenant-id', 'tnt_b'], null, 'forward_auth_request_conflict'],
  ['two X-Forwarded-Host headers', 'any', [...NGINX, 'x-forwarded-host', 'a.example', 'x-forwarded-host', 'b.example'], null, 'forward_auth_request_conflict'],
  ['a method override for another method', 'any', [...TRAEFIK, 'X-HTTP-Method-Override', 'DELETE'], null, 'forward_auth_request_conflict'],
  ['X-HTTP-Method for another method', 'any', [...TRAEFIK, 'x-http-method', 'PUT'], null, 'forward_auth_request_conflict'],
  ['a method override naming the checked method', 'any', [...TRAEFIK, 'X-HTTP-Method-Override', 'get'], null, 'GET /resources/v1/orders?limit=5'],
  ['X-Original-URL naming another URL', 'any', [...NGINX, 'X-Original-URL', '/admin'], null, 'forward_auth_request_conflict'],
  ['X-Rewrite-URL naming another URL', 'any', [...NGINX, 'X-Rewrite-URL', '/resources/v1/invoices'], null, 'forward_auth_request_conflict'],
  ['a method that is no method', 'any', ['X-Original-Method', 'GET, POST', 'X-Original-URI', '/resources/v1/orders'], null, 'forward_auth_request_invalid'],
  ['a URI that is no path', 'any', ['X-Original-Method', 'GET', 'X-Original-URI', 'https://elsewhere/resources/v1/orders'], null, 'forward_auth_request_invalid'],
  ['a URI with a space', 'any', ['X-Original-Method', 'GET', 'X-Original-URI', '/resources/v1/orders HTTP/1.1'], null, 'forward_auth_request_invalid'],
  ['an empty URI', 'any', ['X-Original-Method', 'GET', 'X-Original-URI', ''], null, 'forward_auth_request_invalid'],
];

describe('originalRequest: only the pair the calling proxy owns, once', () => {
  it.each(CASES)('%s', (_what, endpoint, raw, suffix, expected) => {
    const r = originalRequest(endpoint, raw, 'DELETE', suffix);
    expect(r.ok ? `${r.method} ${r.uri}` : r.code).toBe(expected);
  });

  it('says which headers conflict', () => {
    const r = originalRequest('any', [...NGINX, ...TRAEFIK], 'GET', null);
    expect(r.ok ? null : r.reason).toMatch(/X-Original-Method and X-Original-URI; X-Forwarded-Method and X-Forwarded-Uri/);
  });
});

describe('forwardedOrigin', () => {
  it.each([
    [{}, null],
    [{ 'x-forwarded-host': 'api.example.com', 'x-forwarded-proto': 'https' }, 'https://api.example.com'],
    [{ 'x-forwarded-host': 'api.example.com:8443', 'x-forwarded-proto': 'http' }, 'http://api.example.com:8443'],
    [{ 'x-forwarded-host': '[::1]:8080' }, 'https://[::1]:8080'],
    [{ 'x-forwarded-host': 'a.example, b.example' }, 'forward_auth_request_invalid'],
    [{ 'x-forwarded-host': 'evil.example/path' }, 'forward_auth_request_invalid'],
  ] as [Record<string, string>, string | null][])('%j → %s', (headers, expected) => {
    const r = forwardedOrigin(headers);
    expect(r.ok ? r.origin : r.code).toBe(expected);
  });
});
