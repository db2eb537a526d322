import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', publicUrl: 'http://localhost:8080', databaseUrl: null, redisUrl: null, delegationMaxDays: 730, accessTokenTtlSec: 600 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ REDIS_KEY_PREFIX: 'has spaces' }, 'REDIS_KEY_PREFIX'],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY'],
    [{ COOKIE_SECURE: 'maybe' }, 'COOKIE_SECURE'],
    [{ RATE_LIMITS: '{"read": -1}' }, 'RATE_LIMITS'],
    [{ GATEWAY_ROUTES: '[{"prefix": "x"}]' }, 'GATEWAY_ROUTES'],
    [{ GATEWAY_ROUTES: '[{"prefix": "/crm", "upstream": "http://crm:9000", "rules": [{"method": "GET", "path": "/", "permission": "p"}]}]' }, 'GATEWAY_ROUTES'],
    [{ GATEWAY_ASSERTION_SECRET: 'short' }, 'GATEWAY_ASSERTION_SECRET'],
    [{ GATEWAY_UPSTREAM_TIMEOUT_MS: '0' }, 'GATEWAY_UPSTREAM_TIMEOUT_MS'],
    [{ SESSION_IDLE_TIMEOUT: '7200', SESSION_ABSOLUTE_TIMEOUT: '3600' }, 'SESSION_IDLE_TIMEOUT'],
  ])('refuses %o naming %s', (env, setting) => {
    try {
      loadConfig(env);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).setting).toBe(setting);
      expect((e as Error).message).toMatch(new RegExp(`^Invalid setting ${setting}: `));
    }
  });

  it('SAML_METADATA_REFRESH_INTERVAL_MS: a day by default, 5 minutes to 7 days, refused outside with the bounds named', () => {
    expect(loadConfig({}).samlMetadataRefreshIntervalMs).toBe(86_400_000);
    expect(loadConfig({ SAML_METADATA_REFRESH_INTERVAL_MS: '300000' }).samlMetadataRefreshIntervalMs).toBe(300_000);
    expect(loadConfig({ SAML_METADATA_REFRESH_INTERVAL_MS: '604800000' }).samlMetadataRefreshIntervalMs).toBe(604_800_000);
    for (const bad of ['0', '299999', '604800001']) {
      expect(() => loadConfig({ SAML_METADATA_REFRESH_INTERVAL_MS: bad })).toThrow(`Invalid setting SAML_METADATA_REFRESH_INTERVAL_MS: must be between 300000 and 604800000, got ${bad}`);
    }
    expect(() => loadConfig({ SAML_METADATA_REFRESH_INTERVAL_MS: 'daily' })).toThrow(/SAML_METADATA_REFRESH_INTERVAL_MS: must be an integer, got "daily"/);
  });

  it('reads a config file; the environment wins; unknown keys are refused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pgcfg-'));
    const file = path.join(dir, 'partnergate.json');
    writeFileSync(file, JSON.stringify({ PORT: 9000, DELEGATION_MAX_DAYS: 90, RATE_LIMITS: { read: 250 } }));
    const c = loadConfig({ CONFIG_FILE: file, PORT: '9100' });
    expect(c.port).toBe(9100);
    expect(c.delegationMaxDays).toBe(90);
    expect(c.rateLimits.read).toBe(250);
    writeFileSync(file, JSON.stringify({ PROT: 9000 }));
    expect(() => loadConfig({ CONFIG_FILE: file })).toThrow(/Invalid setting PROT: unknown setting/);
    expect(() => loadConfig({ CONFIG_FILE: path.join(dir, 'missing.json') })).toThrow(/CONFIG_FILE/);
  });
});

describe('GATEWAY_ROUTES prefixes', () => {
  const route = (name: string, prefix: string) => ({ name, prefix, upstream: 'http://crm.internal:9000/api', rules: [{ method: 'GET', path: '/contacts', permission: 'crm.contacts.read' }] });
  const load = (...routes: unknown[]) => loadConfig({ GATEWAY_ROUTES: JSON.stringify(routes) });

  it.each([
    ['/', 'the portal root'],
    ['/api', "Partnergate's own /api paths"],
    ['/api/v1/crm', "Partnergate's own /api paths"],
    ['/oauth/', "Partnergate's own /oauth paths"],
    ['/embed/crm', "Partnergate's own /embed paths"],
    ['/authz', "Partnergate's own /authz paths"],
    ['/access/v1/mine', "Partnergate's own /access paths"],
    ['/ssf/streams', "Partnergate's own /ssf paths"],
    ['/scim/v2/crm', "Partnergate's own /scim paths"],
    ['/docs', "Partnergate's own /docs paths"],
    ['/.well-known/crm', "Partnergate's own /.well-known paths"],
    ['/resources/v1', "the reference resource service's /resources/v1"],
    ['/resources', "the reference resource service's /resources/v1"],
  ])('refuses the prefix %s (clashes with %s)', (prefix, what) => {
    expect(() => load(route('crm', prefix))).toThrow(`Invalid setting GATEWAY_ROUTES: route 0 (crm): prefix ${prefix} clashes with ${what}`);
  });

  it('takes a prefix of its own, beside or under /resources/v1, and names upstreams once', () => {
    expect(load(route('crm', '/resources/v1/crm'), route('billing', '/billing/v2'), route('api2', '/apis')).gatewayRoutes.map((r) => r.name)).toEqual(['crm', 'billing', 'api2']);
    expect(() => load(route('crm', '/crm'), route('crm', '/crm2'))).toThrow('the name crm is used twice');
    expect(() => load(route('reference-resources', '/crm'))).toThrow('belongs to the reference resource service');
    expect(() => load(route('crm', '/crm'), route('crm2', '/crm/'))).toThrow('is used by another route');
  });
});

describe('secret settings from files (<NAME>_FILE)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pgsecret-'));
  const secretFile = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const refusal = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return [(e as ConfigError).setting, (e as Error).message];
    }
    return expect.unreachable();
  };

  it('reads every secret setting from its file, without the trailing line break', () => {
    const key = 'k'.repeat(40);
    const c = loadConfig({
      DATABASE_URL_FILE: secretFile('db', 'postgres://partnergate_app:pw@db:5432/partnergate\n'),
      DATABASE_OWNER_URL_FILE: secretFile('owner', 'postgres://partnergate_owner:pw@db:5432/partnergate\r\n'),
      REDIS_URL_FILE: secretFile('redis', 'redis://:pw@redis:6379'),
      SECRET_KEY_FILE: secretFile('key', `${key}\n\n`),
      GATEWAY_ASSERTION_SECRET_FILE: secretFile('assert', 'a'.repeat(32)),
      METRICS_TOKEN_FILE: secretFile('metrics', 'm'.repeat(20) + '\n'),
      SMTP_URL_FILE: secretFile('smtp', 'smtp://u:p@mail:587\n'),
    });
    expect(c).toMatchObject({
      databaseUrl: 'postgres://partnergate_app:pw@db:5432/partnergate',
      databaseOwnerUrl: 'postgres://partnergate_owner:pw@db:5432/partnergate',
      redisUrl: 'redis://:pw@redis:6379',
      secretKey: key,
      gatewayAssertionSecret: 'a'.repeat(32),
      metricsToken: 'm'.repeat(20),
      smtpUrl: 'smtp://u:p@mail:587',
    });
  });

  it('checks a value from a file like any other, without quoting it', () => {
    const [setting, message] = refusal({ SECRET_KEY_FILE: secretFile('short', 'too-short-secret\n') });
    expect(setting).toBe('SECRET_KEY');
    expect(message).not.toContain('too-short-secret');
    expect(refusal({ REDIS_URL_FILE: secretFile('mysql', 'mysql://db/x') })[0]).toBe('REDIS_URL');
  });

  it('refuses a setting given both ways, a missing or empty file, and a file for a setting that is not secret', () => {
    const file = secretFile('key2', 'k'.repeat(40));
    expect(refusal({ SECRET_KEY: 'k'.repeat(40), SECRET_KEY_FILE: file })).toEqual(['SECRET_KEY_FILE', 'Invalid setting SECRET_KEY_FILE: SECRET_KEY is set too: give the value one way, SECRET_KEY or SECRET_KEY_FILE']);
    const [, missing] = refusal({ DATABASE_URL_FILE: path.join(dir, 'nope') });
    expect(missing).toBe(`Invalid setting DATABASE_URL_FILE: cannot read ${JSON.stringify(path.join(dir, 'nope'))} (ENOENT)`);
    expect(refusal({ REDIS_URL_FILE: secretFile('empty', '\n') })[1]).toMatch(/REDIS_URL_FILE: .* is empty$/);
    expect(refusal({ PORT_FILE: secretFile('port', '8080') })).toEqual(['PORT_FILE', expect.stringMatching(/^Invalid setting PORT_FILE: only secret settings are read from files \(DATABASE_URL_FILE, .*\); set PORT itself$/)]);
    // a setting from the config file counts as given too
    const cfg = secretFile('cfg.json', JSON.stringify({ REDIS_URL: 'redis://r:6379' }));
    expect(refusal({ CONFIG_FILE: cfg, REDIS_URL_FILE: secretFile('r', 'redis://x:6379') })[0]).toBe('REDIS_URL_FILE');
    // an empty variable is no setting: the file wins
    expect(loadConfig({ SECRET_KEY: '', SECRET_KEY_FILE: file }).secretKey).toBe('k'.repeat(40));
  });
});

describe('high availability settings', () => {
  it('REDIS_SENTINELS: a host:port list, the master name and both sets of credentials', () => {
    const c = loadConfig({ REDIS_SENTINELS: '10.0.0.1:26379, [2001:db8::1]:26380,sentinel-3.internal:26381', REDIS_SENTINEL_MASTER: 'pg-redis', REDIS_PASSWORD: 'data-secret', REDIS_SENTINEL_PASSWORD: 'sentinel-secret' });
    expect(c.redisSentinel).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '2001:db8::1', port: 26380 },
        { host: 'sentinel-3.internal', port: 26381 },
      ],
      masterName: 'pg-redis',
      username: null,
      password: 'data-secret',
      sentinelUsername: null,
      sentinelPassword: 'sentinel-secret',
    });
    expect(loadConfig({}).redisSentinel).toBeNull();
  });

  it('refuses a sentinel list without ports, Sentinels beside REDIS_URL, and credentials without Sentinels, naming the setting', () => {
    expect(() => loadConfig({ REDIS_SENTINELS: '10.0.0.1' })).toThrow(/REDIS_SENTINELS: must be a comma-separated list of host:port/);
    expect(() => loadConfig({ REDIS_SENTINELS: '10.0.0.1:99999' })).toThrow(/REDIS_SENTINELS/);
    expect(() => loadConfig({ REDIS_SENTINELS: '10.0.0.1:26379', REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/REDIS_SENTINELS: is instead of REDIS_URL/);
    expect(() => loadConfig({ REDIS_PASSWORD: 'secret-value' })).toThrow(/REDIS_PASSWORD: is read with REDIS_SENTINELS only/);
    // a password is never quoted back
    expect(() => loadConfig({ REDIS_PASSWORD: 'secret-value' })).not.toThrow(/secret-value/);
  });

  it('a multi-host PostgreSQL URL is refused with the supported way, not tried as a host named "h1,h2"', () => {
    for (const url of ['postgres://app@db1:5432,db2:5432/partnergate?target_session_attrs=read-write', 'postgres://app@db1,db2/partnergate']) {
      expect(() => loadConfig({ DATABASE_URL: url })).toThrow(/DATABASE_URL: names several hosts.*HAProxy/);
    }
  });

  it('DATABASE_PREPARED_STATEMENTS and SHUTDOWN_GRACE_MS', () => {
    expect(loadConfig({})).toMatchObject({ databasePreparedStatements: true, shutdownGraceMs: 25_000 });
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false', SHUTDOWN_GRACE_MS: '5000' })).toMatchObject({ databasePreparedStatements: false, shutdownGraceMs: 5000 });
    expect(() => loadConfig({ SHUTDOWN_GRACE_MS: '10' })).toThrow(/SHUTDOWN_GRACE_MS: must be between 1000 and 600000/);
  });
});
