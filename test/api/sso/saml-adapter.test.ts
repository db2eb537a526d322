/**
 * The SAML service provider (src/modules/sso/saml/saml-adapter.ts, node-saml) against a real identity
 * provider built on samlify (test/helpers/saml-idp.ts), over HTTP on loopback: the AuthnRequest goes
 * to the provider's login page and is parsed there, responses come back signed (and encrypted) by it.
 * The replay store is Redis when REDIS_URL is set (the PostgreSQL + Redis run), else in memory.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchIdpMetadata, IdpMetadataError, parseIdpMetadata } from '../../../src/modules/sso/saml/idp-metadata.ts';
import { finishSamlSignIn, finishSamlUnsolicited, isUnsolicitedResponse, spMetadataXml, startSamlSignIn } from '../../../src/modules/sso/saml/saml-adapter.ts';
import { MemorySamlReplayStore, RedisSamlReplayStore, samlReplayStore, type SamlReplayStore } from '../../../src/modules/sso/saml/saml-replay.ts';
import { newSpCredentials, type SpCredentials } from '../../../src/modules/sso/saml/sp-credentials.ts';
import { SsoProtocolError, type SamlConnectionSettings, type SsoRefusal } from '../../../src/modules/sso/sso.types.ts';
import { redisFactory, whenReady } from '../../../src/platform/redis.ts';
import { CLASS_REF, startSamlIdp, type IdpUser, type ResponseVariant, type SamlIdp } from '../../helpers/saml-idp.ts';
import { FORGED_EMAIL, wrapSignature, type Wrapping } from '../../helpers/saml-wrapping.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const ada: IdpUser = { nameId: 'ada@acme.example', email: 'ada@acme.example', name: 'Ada Lovelace', groups: ['Partner Admins', 'Everyone'], authnContextClassRef: CLASS_REF.mfa };

let idp: SamlIdp;
let creds: SpCredentials;
let settings: SamlConnectionSettings;
let redis: Redis | null = null;
let replay: SamlReplayStore;
const prefix = `test:${process.pid}:${Date.now()}:`;

async function refusal(p: Promise<unknown>): Promise<SsoRefusal> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SsoProtocolError) return e.code;
    throw e;
  }
  throw new Error('accepted, but a refusal was expected');
}

/** A sign-in started at our SP, and the provider's answer to it. */
async function answer(o: { variant?: ResponseVariant; encrypt?: boolean; user?: IdpUser; s?: SamlConnectionSettings } = {}) {
  const { requestId } = await startSamlSignIn(o.s ?? settings, 'relay');
  const samlResponse = await idp.response({ user: o.user ?? ada, inResponseTo: requestId, variant: o.variant, encrypt: o.encrypt });
  return { requestId, samlResponse };
}

beforeAll(async () => {
  idp = await startSamlIdp({ users: [ada], wantAuthnRequestsSigned: true });
  creds = await newSpCredentials('pg.example', new Date());
  const { xml } = await fetchIdpMetadata(idp.metadataUrl, { allowPrivate: true });
  settings = { spEntityId: 'https://pg.example/sso/saml/ssc_1', acsUrl: 'https://pg.example/sso/saml/ssc_1/acs', idpMetadataXml: xml, clockSkewSeconds: 60, spCredentials: creds };
  idp.trust(spMetadataXml(settings));
  if (process.env.REDIS_URL) {
    redis = redisFactory(REDIS_URL)();
    expect(await whenReady(redis, 5000)).toBe(true);
  }
  replay = samlReplayStore(redis ? { redis, prefix, timeoutMs: 500 } : null);
});

afterAll(async () => {
  await idp?.close();
  redis?.disconnect();
});

describe('SAML sign-in start', () => {
  it('sends the browser to the provider with a signed AuthnRequest it accepts, RelayState kept', async () => {
    const { redirectUrl, requestId } = await startSamlSignIn(settings, 'state-123');
    expect(redirectUrl.startsWith(`${idp.ssoUrl}?`)).toBe(true);
    expect(new URL(redirectUrl).searchParams.get('RelayState')).toBe('state-123');
    expect(requestId).toMatch(/^_[A-Za-z0-9_-]{20,}$/);
    const page = await fetch(redirectUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign in as Ada Lovelace');
    expect(idp.requests.at(-1)).toEqual({ id: requestId, relayState: 'state-123', signed: true });
  });
});

describe('SAML responses accepted', () => {
  it('a signed assertion: the person, their groups and how they authenticated', async () => {
    const { requestId, samlResponse } = await answer();
    const who = await finishSamlSignIn(settings, samlResponse, { requestId }, { replay });
    expect(who).toEqual({ subject: 'ada@acme.example', email: 'ada@acme.example', name: 'Ada Lovelace', groups: ['Partner Admins', 'Everyone'], authnMethods: [CLASS_REF.mfa], upstreamSession: { id: expect.stringMatching(/^_/), nameId: 'ada@acme.example', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' } });
  });

  it('a signed and encrypted assertion', async () => {
    const { requestId, samlResponse } = await answer({ encrypt: true });
    expect(Buffer.from(samlResponse, 'base64').toString()).toContain('EncryptedAssertion');
    expect(Buffer.from(samlResponse, 'base64').toString()).not.toContain('ada@acme.example');
    const who = await finishSamlSignIn(settings, samlResponse, { requestId }, { replay });
    expect(who.email).toBe('ada@acme.example');
    expect(who.groups).toEqual(['Partner Admins', 'Everyone']);
  });

  it('attribute names configured on the connection, a transient NameID, a name from given name and surname', async () => {
    const bob: IdpUser = {
      nameId: 'AAdzZWNyZXQx',
      nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
      groups: [],
      authnContextClassRef: CLASS_REF.password,
      attributes: {
        'urn:oid:2.5.4.42': ['Bob'],
        'urn:oid:2.5.4.4': ['Builder'],
        companyMail: ['Bob@Acme.example'],
        teams: ['Support', 'Support', 'Billing'],
        'http://schemas.microsoft.com/identity/claims/objectidentifier': ['7f0c2d9e-1111-4a4a-9b9b-123456789abc'],
      },
    };
    const s = { ...settings, attributes: { email: 'companyMail', groups: 'teams' } };
    const { requestId, samlResponse } = await answer({ user: bob, s });
    const who = await finishSamlSignIn(s, samlResponse, { requestId }, { replay });
    expect(who).toEqual({ subject: '7f0c2d9e-1111-4a4a-9b9b-123456789abc', email: 'Bob@Acme.example', name: 'Bob Builder', groups: ['Support', 'Billing'], authnMethods: [CLASS_REF.password], upstreamSession: expect.objectContaining({ id: expect.stringMatching(/^_/), nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' }) });
  });

  it('a Response signed at the message level around an unsigned assertion', async () => {
    const { requestId, samlResponse } = await answer({ variant: 'response_signed_only' });
    const xml = Buffer.from(samlResponse, 'base64').toString();
    // one signature, and it is the Response's: a direct child of samlp:Response, none inside the assertion
    expect(xml.match(/<ds:Signature[\s>]/g)).toHaveLength(1);
    expect(xml).toMatch(/<saml:Issuer>[^<]*<\/saml:Issuer><ds:Signature/);
    expect(xml.slice(xml.indexOf('<saml:Assertion'))).not.toContain('Signature');
    const who = await finishSamlSignIn(settings, samlResponse, { requestId }, { replay });
    expect(who).toEqual({ subject: 'ada@acme.example', email: 'ada@acme.example', name: 'Ada Lovelace', groups: ['Partner Admins', 'Everyone'], authnMethods: [CLASS_REF.mfa], upstreamSession: { id: expect.stringMatching(/^_/), nameId: 'ada@acme.example', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' } });
  });

  it('a Response signed at the message level around an encrypted, unsigned assertion', async () => {
    const { requestId, samlResponse } = await answer({ variant: 'response_signed_only', encrypt: true });
    expect(Buffer.from(samlResponse, 'base64').toString()).toContain('EncryptedAssertion');
    expect((await finishSamlSignIn(settings, samlResponse, { requestId }, { replay })).email).toBe('ada@acme.example');
  });

  it('a response a little past its NotOnOrAfter is accepted within the connection’s clock skew', async () => {
    const lenient = { ...settings, clockSkewSeconds: 3600 };
    const { requestId, samlResponse } = await answer({ variant: 'expired', s: lenient });
    expect((await finishSamlSignIn(lenient, samlResponse, { requestId }, { replay })).email).toBe('ada@acme.example');
  });
});

describe('SAML responses refused', () => {
  it.each<[ResponseVariant, SsoRefusal]>([
    ['unsigned', 'sso.response_invalid'],
    ['tampered', 'sso.response_invalid'],
    ['wrong_issuer', 'sso.response_invalid'],
    ['expired', 'sso.response_expired'],
    ['wrong_audience', 'sso.wrong_audience'],
    ['unsolicited', 'sso.unsolicited'],
    ['foreign_request', 'sso.unsolicited'],
    ['declined', 'sso.provider_refused'],
  ])('%s → %s', async (variant, code) => {
    const { requestId, samlResponse } = await answer({ variant });
    expect(await refusal(finishSamlSignIn(settings, samlResponse, { requestId }, { replay }))).toBe(code);
  });

  it('the tampered response differs from a good one only in the e-mail address', async () => {
    const { requestId, samlResponse } = await answer({ variant: 'tampered' });
    const xml = Buffer.from(samlResponse, 'base64').toString();
    expect(xml).toContain('mallory@evil.example');
    expect(xml).toContain('<ds:SignatureValue>');
    expect(await refusal(finishSamlSignIn(settings, samlResponse, { requestId }, { replay }))).toBe('sso.response_invalid');
  });

  it('a message-level signed Response tampered with after signing', async () => {
    const { requestId, samlResponse } = await answer({ variant: 'response_signed_only' });
    const forged = Buffer.from(Buffer.from(samlResponse, 'base64').toString().split('ada@acme.example').join(FORGED_EMAIL)).toString('base64');
    expect(await refusal(finishSamlSignIn(settings, forged, { requestId }, { replay }))).toBe('sso.response_invalid');
  });

  it.each<[Wrapping, ResponseVariant]>([
    ['response', 'response_signed_only'],
    ['assertion', 'good'],
  ])('signature wrapping of the %s: the genuine signed element moved aside, a forged one read in its place', async (what, variant) => {
    const { requestId, samlResponse } = await answer({ variant });
    const wrapped = await wrapSignature(samlResponse, 'ada@acme.example', what);
    const xml = Buffer.from(wrapped, 'base64').toString();
    // the genuine signature and what it covers are still there, next to the forged person
    expect(xml).toContain('ada@acme.example');
    expect(xml).toContain(FORGED_EMAIL);
    expect(xml).toContain('<ds:Object>');
    const refused = finishSamlSignIn(settings, wrapped, { requestId }, { replay });
    // refused because the signature covers another element than the one it sits in (node-saml's check), not by accident
    await expect(refused).rejects.toThrow(/Referenced node does not refer/);
    expect(await refusal(refused)).toBe('sso.response_invalid');
    // and the genuine response, unwrapped, still signs Ada in: the refusal is the wrapping's, not a broken fixture
    expect((await finishSamlSignIn(settings, samlResponse, { requestId }, { replay })).email).toBe('ada@acme.example');
  });

  it('the same response twice: the second is a replay, on another instance too', async () => {
    const { requestId, samlResponse } = await answer();
    await finishSamlSignIn(settings, samlResponse, { requestId }, { replay });
    expect(await refusal(finishSamlSignIn(settings, samlResponse, { requestId }, { replay }))).toBe('sso.response_replayed');
    const otherInstance = samlReplayStore(redis ? { redis, prefix, timeoutMs: 500 } : null);
    if (redis) expect(await refusal(finishSamlSignIn(settings, samlResponse, { requestId }, { replay: otherInstance }))).toBe('sso.response_replayed');
  });

  it('a second, fresh assertion for a request already answered is a replay', async () => {
    const { requestId, samlResponse } = await answer();
    await finishSamlSignIn(settings, samlResponse, { requestId }, { replay });
    const again = await idp.response({ user: ada, inResponseTo: requestId });
    expect(await refusal(finishSamlSignIn(settings, again, { requestId }, { replay }))).toBe('sso.response_replayed');
  });

  it('a response to another sign-in than the one in progress, or with none in progress, is unsolicited', async () => {
    const first = await answer();
    const second = await startSamlSignIn(settings, 'relay');
    expect(await refusal(finishSamlSignIn(settings, first.samlResponse, { requestId: second.requestId }, { replay }))).toBe('sso.unsolicited');
    expect(await refusal(finishSamlSignIn(settings, first.samlResponse, { requestId: '' }, { replay }))).toBe('sso.unsolicited');
  });

  it('an encrypted assertion to a connection without our key pair, garbage, and a missing e-mail', async () => {
    const bare = { ...settings, spCredentials: undefined };
    const enc = await answer({ encrypt: true, s: bare });
    expect(await refusal(finishSamlSignIn(bare, enc.samlResponse, { requestId: enc.requestId }, { replay }))).toBe('sso.response_invalid');
    expect(await refusal(finishSamlSignIn(settings, 'bm90IHhtbA==', { requestId: enc.requestId }, { replay }))).toBe('sso.response_invalid');
    expect(await refusal(finishSamlSignIn(settings, '', { requestId: enc.requestId }, { replay }))).toBe('sso.response_invalid');
    const anonymous: IdpUser = { nameId: 'x9', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', groups: [], authnContextClassRef: CLASS_REF.password };
    const noMail = await answer({ user: anonymous });
    expect(await refusal(finishSamlSignIn(settings, noMail.samlResponse, { requestId: noMail.requestId }, { replay }))).toBe('sso.missing_email');
  });
});

describe('sign-in started at the identity provider (unsolicited)', () => {
  const allowed = () => ({ ...settings, allowIdpInitiated: true });
  const unsolicited = (variant: ResponseVariant = 'good', user: IdpUser = ada) => idp.response({ user, inResponseTo: '', variant });

  it('is refused while the connection does not allow it (the default), even signed and fresh', async () => {
    const samlResponse = await unsolicited();
    expect(isUnsolicitedResponse(samlResponse)).toBe(true);
    expect(await refusal(finishSamlUnsolicited(settings, samlResponse, { replay }))).toBe('sso.unsolicited');
  });

  it('allowed: an assertion signed itself signs the person in, once; the same assertion again is a replay', async () => {
    const samlResponse = await unsolicited();
    expect((await finishSamlUnsolicited(allowed(), samlResponse, { replay })).email).toBe('ada@acme.example');
    expect(await refusal(finishSamlUnsolicited(allowed(), samlResponse, { replay }))).toBe('sso.response_replayed');
  });

  it('allowed: an encrypted, signed assertion signs the person in', async () => {
    const samlResponse = await idp.response({ user: ada, inResponseTo: '', encrypt: true });
    expect((await finishSamlUnsolicited(allowed(), samlResponse, { replay })).email).toBe('ada@acme.example');
  });

  it.each<[ResponseVariant, SsoRefusal]>([
    // a signature over the Response only is enough for an answer to our request, not for an unsolicited one
    ['response_signed_only', 'sso.response_invalid'],
    ['unsigned', 'sso.response_invalid'],
    ['tampered', 'sso.response_invalid'],
    ['wrong_issuer', 'sso.response_invalid'],
    ['expired', 'sso.response_expired'],
    ['wrong_audience', 'sso.wrong_audience'],
  ])('allowed, but %s → %s', async (variant, code) => {
    expect(await refusal(finishSamlUnsolicited(allowed(), await unsolicited(variant), { replay }))).toBe(code);
  });

  it('allowed, but for another recipient (ACS) than the connection’s → wrong audience', async () => {
    const elsewhere = { ...allowed(), acsUrl: 'https://pg.example/sso/saml/ssc_other/acs' };
    expect(await refusal(finishSamlUnsolicited(elsewhere, await unsolicited(), { replay }))).toBe('sso.wrong_audience');
  });

  it('an answer to a request is not unsolicited, and read as one it is refused', async () => {
    const { samlResponse } = await answer();
    expect(isUnsolicitedResponse(samlResponse)).toBe(false);
    expect(await refusal(finishSamlUnsolicited(allowed(), samlResponse, { replay }))).toBe('sso.unsolicited');
    expect(isUnsolicitedResponse('bm90IHhtbA==')).toBe(false);
    expect(isUnsolicitedResponse('')).toBe(false);
  });
});

describe('metadata', () => {
  it('our SP metadata imports into samlify: entity, ACS, signed assertions wanted, our certificate for encryption and signing', async () => {
    const xml = spMetadataXml(settings);
    const other = await startSamlIdp({ users: [ada] });
    try {
      other.trust(xml); // samlify parses it into a ServiceProvider
      const { requestId } = await startSamlSignIn(settings, 'r');
      const samlResponse = await other.response({ user: ada, inResponseTo: requestId, encrypt: true });
      // encrypted by samlify to the certificate it read from our metadata; decrypted by us
      const s = { ...settings, idpMetadataXml: other.metadataXml };
      expect((await finishSamlSignIn(s, samlResponse, { requestId }, { replay })).email).toBe('ada@acme.example');
    } finally {
      await other.close();
    }
    expect(xml).toContain('entityID="https://pg.example/sso/saml/ssc_1"');
    expect(xml).toContain('Location="https://pg.example/sso/saml/ssc_1/acs"');
    expect(xml).toContain('WantAssertionsSigned="true"');
    expect(xml).toContain('AuthnRequestsSigned="true"');
    expect(xml).toContain('use="encryption"');
    expect(xml.replace(/\s+/g, '')).toContain(creds.certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''));
  });

  it("the provider's metadata: entity, Redirect sign-in address, signing certificates", async () => {
    const md = await parseIdpMetadata(idp.metadataXml);
    expect(md.entityId).toBe(idp.entityId);
    expect(md.ssoUrl).toBe(idp.ssoUrl);
    expect(md.signingCerts).toHaveLength(1);
    expect(md.wantsSignedRequests).toBe(true);
  });

  it.each([
    ['not xml <', 'not well-formed'],
    ['<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><SPSSODescriptor/></EntityDescriptor>', 'no SAML identity provider'],
    ['<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><IDPSSODescriptor><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp/sso"/></IDPSSODescriptor></EntityDescriptor>', 'HTTP-Redirect'],
    ['<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><IDPSSODescriptor><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp/sso"/></IDPSSODescriptor></EntityDescriptor>', 'no signing certificate'],
  ])('unusable metadata is refused in words: %s', async (xml, words) => {
    const e = await parseIdpMetadata(xml).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IdpMetadataError);
    expect((e as IdpMetadataError).reason).toContain(words);
  });

  it('fetching metadata: a loopback address is refused unless allowed; an error status, a timeout and an oversized answer are unreachable', async () => {
    expect(await refusal(fetchIdpMetadata(idp.metadataUrl, { allowPrivate: false }))).toBe('sso.provider_unreachable');
    expect(await refusal(fetchIdpMetadata(`${idp.origin}/nothing-here`, { allowPrivate: true }))).toBe('sso.provider_unreachable');
    expect(await refusal(fetchIdpMetadata(idp.metadataUrl, { allowPrivate: true, maxBytes: 100 }))).toBe('sso.provider_unreachable');
    const silent: Server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/metadata`;
      expect(await refusal(fetchIdpMetadata(url, { allowPrivate: true, timeoutMs: 300 }))).toBe('sso.provider_unreachable');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('replay stores', () => {
  it('memory: a key is refused until its time, then accepted again; the oldest go beyond the cap', () => {
    const m = new MemorySamlReplayStore(2);
    expect(m.firstUse('a', 1000, 0)).toBe(true);
    expect(m.firstUse('a', 1000, 999)).toBe(false);
    expect(m.firstUse('a', 3000, 1000)).toBe(true);
    expect(m.firstUse('b', 3000, 1000)).toBe(true);
    expect(m.firstUse('c', 3000, 1000)).toBe(true);
    expect(m.firstUse('a', 3000, 1000)).toBe(true); // dropped for 'c' (cap 2)
  });

  it('Redis: shared by two instances, and judged on this instance alone when Redis is not there', async () => {
    const r = redisFactory(REDIS_URL)();
    try {
      expect(await whenReady(r, 5000)).toBe(true);
      const p = `${prefix}shared:`;
      const one = new RedisSamlReplayStore({ redis: r, prefix: p, timeoutMs: 500 });
      const two = new RedisSamlReplayStore({ redis: r, prefix: p, timeoutMs: 500 });
      const now = Date.now();
      expect(await one.firstUse('k', now + 60_000, now)).toBe(true);
      expect(await two.firstUse('k', now + 60_000, now)).toBe(false);
      expect(await r.pttl(`${p}saml:${createHash('sha256').update('k').digest('base64url')}`)).toBeGreaterThan(50_000);
    } finally {
      r.disconnect();
    }
    const errors: unknown[] = [];
    const gone = redisFactory('redis://127.0.0.1:1')();
    try {
      const lone = new RedisSamlReplayStore({ redis: gone, prefix, timeoutMs: 100, onError: (e) => errors.push(e) });
      expect(await lone.firstUse('z', Date.now() + 1000, Date.now())).toBe(true);
      expect(await lone.firstUse('z', Date.now() + 1000, Date.now())).toBe(false);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      gone.disconnect();
    }
  });
});
