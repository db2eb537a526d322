/** What may be written to a log line: URLs, text, error objects and whole lines, redacted. */
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { isSecretParam, redactText, redactUrl, scrubLogLine, secureLoggerOptions, serializeError } from './log-redaction.ts';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('redactUrl', () => {
  it.each([
    ['/resources/v1/orders?access_token=abc123&limit=5', '/resources/v1/orders?access_token=[redacted]&limit=5'],
    ['/callback?code=c0de&state=st4te&iss=http%3A%2F%2Fx', '/callback?code=[redacted]&state=[redacted]&iss=http%3A%2F%2Fx'],
    [`/oauth/session/end?id_token_hint=${JWT}&client_id=app_1`, '/oauth/session/end?id_token_hint=[redacted]&client_id=app_1'],
    ['/x?client_secret=s&CLIENT_SECRET=s2&a%5Btoken%5D=t&refresh_token=r', '/x?client_secret=[redacted]&CLIENT_SECRET=[redacted]&a%5Btoken%5D=[redacted]&refresh_token=[redacted]'],
    ['/x?password=p&new_password=q&subject_token=st&actor_token=at', '/x?password=[redacted]&new_password=[redacted]&subject_token=[redacted]&actor_token=[redacted]'],
    ['/x?assertion=a&client_assertion=ca&code_verifier=v&api_key=k&token=t', '/x?assertion=[redacted]&client_assertion=[redacted]&code_verifier=[redacted]&api_key=[redacted]&token=[redacted]'],
    ['/x?csrf_token=c&x_csrf=d&session=s', '/x?csrf_token=[redacted]&x_csrf=[redacted]&session=[redacted]'],
    ['/api/v1/invitations/pginv_AbC-123', '/api/v1/invitations/[redacted]'],
    ['/invite/whatever-token?x=1', '/invite/[redacted]?x=1'],
    ['/x?q=pgpat_AbCdEf0123&note=pgagt_Xy9', '/x?q=pgpat_[redacted]&note=pgagt_[redacted]'],
    [`/x?q=${JWT}`, '/x?q=[redacted]'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    '/oauth/auth?response_type=code&scope=openid+orders.read&code_challenge=abc&code_challenge_method=S256&client_id=app_1&redirect_uri=https%3A%2F%2Fa.example%2Fcb',
    '/oauth/token?client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer',
    '/api/v1/invitations/accept',
    '/api/v1/tenants/tnt_1/agencies/agy_1/tokens/ptk_1?include_ended=true',
    '/api/v1/audit-events?action=token.created&limit=10',
    '/x?code=',
  ])('leaves %s alone', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describe('isSecretParam', () => {
  it.each(['access_token', 'ACCESS_TOKEN', 'id_token_hint', 'a[refresh_token]', 'access%5Ftoken', 'code', 'state', 'client_secret', 'x-api-key', 'dpop_jkt_signature'])('%s is a credential', (n) => {
    expect(isSecretParam(n)).toBe(true);
  });
  it.each(['scope', 'client_id', 'response_type', 'code_challenge', 'code_challenge_method', 'token_id', 'limit', 'client_assertion_type', 'token_type_hint_x'])('%s is not', (n) => {
    expect(isSecretParam(n)).toBe(false);
  });
});

describe('redactText', () => {
  it('hides credentials after an authorization scheme, JWTs and prefixed secrets in free text', () => {
    const s = redactText(`Authorization: Bearer ${JWT}; Basic dXNlcjpwYXNzd29yZC1zZWNyZXQ=; client pgcs_A1b2C3d4; fetch https://x.example/cb?code=abc&x=1`);
    expect(s).toBe('Authorization: Bearer [redacted]; Basic [redacted]; client pgcs_[redacted]; fetch https://x.example/cb?code=[redacted]&x=1');
  });
  it('keeps ordinary prose', () => {
    expect(redactText('Basic authentication failed for client app_1 (code=invalid_client)')).toBe('Basic authentication failed for client app_1 (code=invalid_client)');
  });
});

describe('scrubLogLine', () => {
  it('hides credential members of any object, keeps problem codes', () => {
    const line = JSON.stringify({
      code: 'validation_failed',
      headers: { authorization: 'Basic abc', cookie: 'partnergate_session=s3cr3t', 'x-csrf-token': 'csrf1', 'x-partnergate-assertion': 'v1.sig', 'set-cookie': ['a=1', 'b=2'], 'x-partnergate-tenant-id': 'tnt_1', accept: 'application/json' },
      body: { password: 'hunter2-hunter2', client_secret: 'cs', token_id: 'ptk_1' },
    });
    const out = JSON.parse(scrubLogLine(line));
    expect(out).toEqual({
      code: 'validation_failed',
      headers: { authorization: '[redacted]', cookie: '[redacted]', 'x-csrf-token': '[redacted]', 'x-partnergate-assertion': '[redacted]', 'set-cookie': '[redacted]', 'x-partnergate-tenant-id': '[redacted]', accept: 'application/json' },
      body: { password: '[redacted]', client_secret: '[redacted]', token_id: 'ptk_1' },
    });
  });
});

describe('serializeError', () => {
  it('keeps what describes an error, drops what it was handling', () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "oauth_store_pkey"'), {
      code: '23505',
      constraint: 'oauth_store_pkey',
      detail: 'Key (model, id)=(RefreshToken, rt-secret-value) already exists.',
      parameters: ['rt-secret-value'],
    });
    const err = Object.assign(new Error(`request to https://up.example/v1/orders?access_token=at-secret failed`, { cause }), {
      code: 'UND_ERR',
      options: { headers: { authorization: 'Bearer at-secret-value-1234567890' } },
    });
    const out = serializeError(err) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toMatch(/secret/);
    expect(out).toMatchObject({ type: 'Error', message: 'request to https://up.example/v1/orders?access_token=[redacted] failed', code: 'UND_ERR', cause: { code: '23505', constraint: 'oauth_store_pkey' } });
    expect(out.stack).toEqual(expect.stringContaining('access_token=[redacted]'));
  });
});

describe('secureLoggerOptions', () => {
  it('stays off when the logger is off', () => {
    expect(secureLoggerOptions(false)).toBe(false);
    expect(secureLoggerOptions(undefined)).toBe(false);
  });

  it('redacts whatever a route logs, through the caller’s own stream', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (c, _e, cb) => {
        lines.push(String(c));
        cb();
      } });
    const app = Fastify({ logger: secureLoggerOptions({ level: 'trace', stream }) as Record<string, unknown> });
    app.get('/x', async (req) => {
      req.log.info({ headers: req.headers, password: 'pw-in-a-field' }, `checking ${req.url}`);
      req.log.error({ err: new Error(`upstream said no to Bearer ${JWT}`) }, 'failed');
      return {};
    });
    await app.inject({ url: `/x?access_token=qs-token-1&state=st-1`, headers: { authorization: 'Bearer hdr-token-1234567890', cookie: 'partnergate_session=ck-1', dpop: JWT } });
    await app.close();
    const text = lines.join('');
    expect(text).toContain('"url":"/x?access_token=[redacted]&state=[redacted]"');
    for (const s of ['qs-token-1', 'st-1', 'hdr-token', 'ck-1', JWT, 'pw-in-a-field']) expect(text).not.toContain(s);
  });
});
