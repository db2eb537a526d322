/**
 * SAML 2.0 service provider for one organization's connection (SAML 2.0 Web Browser SSO profile,
 * saml-profiles-2.0-os §4.1), built on @node-saml/node-saml: it builds the AuthnRequest (HTTP-Redirect
 * binding, signed with the connection's key when it has one), verifies the XML signatures — the Response
 * signed at the message level or its assertion signed, either is enough (saml-profiles §4.1.4.5 as amended
 * by the errata: each assertion is protected by its own signature or by the Response's; Entra ID, ADFS
 * and PingFederate can each be set to sign only the Response) — decrypts encrypted
 * assertions and checks the validity window, audience and InResponseTo. What node-saml leaves
 * to its caller is done here, as named steps after its verification:
 *
 *  - the assertion's Issuer is the connection's identity provider (node-saml checks it for logout
 *    messages only);
 *  - a bearer SubjectConfirmationData names our ACS as Recipient and has a NotOnOrAfter (§4.1.4.2);
 *  - single use (§4.1.4.5): the assertion id until its NotOnOrAfter, and the request id (SamlReplayStore);
 *  - the person: subject, e-mail, name, groups and how they authenticated (AuthnContextClassRef).
 *
 * Every failure is an SsoProtocolError with an SsoRefusal code; node-saml's own errors are classified by
 * their message (refusalOf), which saml-adapter tests pin for each case so a library upgrade that
 * rewords one shows up as a failing test, not as a wrong page.
 */
import { decryptXml } from '@node-saml/node-saml/lib/xml.js';
import { generateServiceProviderMetadata, SAML, SamlStatusError, ValidateInResponseTo, type CacheProvider, type Profile, type SamlConfig } from '@node-saml/node-saml';
import { randomToken } from '../../../platform/crypto.ts';
import { SsoProtocolError, type SamlConnectionSettings, type SamlStart, type SsoRefusal, type UpstreamIdentity } from '../sso.types.ts';
import { IdpMetadataError, parseIdpMetadata, type IdpMetadata } from './idp-metadata.ts';
import type { SamlReplayStore } from './saml-replay.ts';
import { certificateBody } from './sp-credentials.ts';

export interface SamlFinishDeps {
  replay: SamlReplayStore;
  /** ms since the epoch; node-saml itself reads the system clock, so this is only for the replay store */
  now?: () => number;
}

/** The request id we issued, as kept by the sign-in in progress (the caller's state). */
export interface SamlExpected {
  requestId: string;
}

/** A response larger than this is not read (a real one is a few KB, tens with many groups). */
export const MAX_SAML_RESPONSE_BASE64 = 512 * 1024;
/** How long a request id stays single-use after its answer: longer than any sign-in at the provider takes. */
export const REQUEST_ID_MEMORY_MS = 8 * 60 * 60 * 1000;

const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const UNSPECIFIED_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/** Attribute names the common identity providers use (Entra ID / ADFS claim URIs, LDAP/eduPerson OIDs, Okta and Google defaults). */
export const COMMON_ATTRIBUTES = {
  email: ['email', 'mail', 'emailAddress', 'Email', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3', 'http://schemas.xmlsoap.org/claims/EmailAddress'],
  name: ['name', 'displayName', 'http://schemas.microsoft.com/identity/claims/displayname', 'urn:oid:2.16.840.1.113730.3.1.241', 'cn', 'urn:oid:2.5.4.3'],
  givenName: ['givenName', 'firstName', 'given_name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', 'urn:oid:2.5.4.42'],
  surname: ['sn', 'surname', 'lastName', 'family_name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', 'urn:oid:2.5.4.4'],
  groups: ['groups', 'memberOf', 'Groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1'],
  /** stable ids for when the NameID is transient */
  stableId: ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'urn:oid:1.3.6.1.4.1.5923.1.1.1.10', 'uid', 'urn:oid:0.9.2342.19200300.100.1.1'],
  /** Entra ID and ADFS say how the person authenticated in this claim as well as in AuthnContextClassRef */
  authnMethods: ['http://schemas.microsoft.com/claims/authnmethodsreferences'],
} as const;

/** The connection's identity provider, or a refusal: the metadata was checked when stored, so this is rare. */
export async function idpOf(settings: SamlConnectionSettings): Promise<IdpMetadata> {
  try {
    return await parseIdpMetadata(settings.idpMetadataXml);
  } catch (e) {
    if (e instanceof IdpMetadataError) throw new SsoProtocolError('sso.response_invalid', `The identity provider's metadata cannot be used: ${e.reason}`);
    throw e;
  }
}

export function samlConfig(settings: SamlConnectionSettings, idp: IdpMetadata, extra: Partial<SamlConfig>): SamlConfig {
  const creds = settings.spCredentials;
  return {
    issuer: settings.spEntityId,
    callbackUrl: settings.acsUrl,
    entryPoint: idp.ssoUrl,
    idpCert: idp.signingCerts,
    audience: settings.spEntityId,
    // a signature over the Response (message level) or over the assertion, at least one: with both flags off,
    // node-saml checks the assertion's own signature whenever the Response's does not verify, and reads the
    // person only from the XML a verified signature covers (its getVerifiedXml), which is what defeats wrapping
    wantAssertionsSigned: false,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: Math.max(0, settings.clockSkewSeconds) * 1000,
    // no NameIDPolicy format and no RequestedAuthnContext: node-saml's default asks for password authentication
    // with `exact` comparison, which identity providers refuse for people who signed in with MFA or a passkey
    identifierFormat: null,
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    ...(creds ? { privateKey: creds.privateKeyPem, publicCert: creds.certificatePem, decryptionPvk: creds.privateKeyPem } : {}),
    ...extra,
  };
}

/** Where to send the person to sign in (HTTP-Redirect binding), and the request id to expect back. */
export async function startSamlSignIn(settings: SamlConnectionSettings, relayState: string): Promise<SamlStart> {
  const idp = await idpOf(settings);
  // '_' first: an ID is an xsd:ID, which may not start with a digit (saml-core §1.3.4)
  const requestId = `_${randomToken(20)}`;
  const saml = new SAML(samlConfig(settings, idp, { generateUniqueId: () => requestId, validateInResponseTo: ValidateInResponseTo.never }));
  const redirectUrl = await saml.getAuthorizeUrlAsync(relayState, undefined, {});
  return { redirectUrl, requestId };
}

/** node-saml's error messages → our refusals; anything not listed is an invalid response. */
const REFUSALS: ReadonlyArray<readonly [RegExp, SsoRefusal]> = [
  [/InResponseTo/i, 'sso.unsolicited'],
  [/expired|not yet valid|No valid subject confirmation/i, 'sso.response_expired'],
  [/audience/i, 'sso.wrong_audience'],
];

export function refusalOf(e: unknown): SsoProtocolError {
  if (e instanceof SsoProtocolError) return e;
  if (e instanceof SamlStatusError) return new SsoProtocolError('sso.provider_refused', e.message);
  const message = e instanceof Error ? e.message : String(e);
  const code = REFUSALS.find(([re]) => re.test(message))?.[1] ?? 'sso.response_invalid';
  return new SsoProtocolError(code, message);
}

/** The size and presence checks every posted SAMLResponse goes through first. */
function checkPosted(samlResponseBase64: string): void {
  if (typeof samlResponseBase64 !== 'string' || samlResponseBase64.length === 0) throw new SsoProtocolError('sso.response_invalid', 'No SAMLResponse was posted.');
  if (samlResponseBase64.length > MAX_SAML_RESPONSE_BASE64) throw new SsoProtocolError('sso.response_invalid', 'The SAMLResponse is too large.');
}

/** node-saml's verification, then the steps it leaves to us; `requestId` null for an unsolicited answer. */
async function verifiedAssertion(settings: SamlConnectionSettings, samlResponseBase64: string, config: Partial<SamlConfig>) {
  const idp = await idpOf(settings);
  const decryptionPvk = await decryptionKeyFor(settings, samlResponseBase64);
  const saml = new SAML(samlConfig(settings, idp, { ...config, ...(decryptionPvk ? { decryptionPvk } : {}) }));
  let profile: Profile | null;
  try {
    ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponseBase64 }));
  } catch (e) {
    throw refusalOf(e);
  }
  const assertion = (profile?.getAssertion?.() as { Assertion?: XmlNode } | undefined)?.Assertion;
  if (!profile || !assertion) throw new SsoProtocolError('sso.response_invalid', 'The response carries no assertion.');
  checkIssuer(assertion, idp);
  const confirmation = checkBearerConfirmation(assertion, settings);
  return { idp, profile, assertion, confirmation };
}

/**
 * Which of our private keys the response's EncryptedAssertion is for: during a certificate rotation an identity
 * provider may encrypt to the current, the next or (in the overlap after a switch) the previous certificate.
 * The first key that decrypts it; the current one when none does (node-saml then refuses it) or nothing is encrypted.
 */
async function decryptionKeyFor(settings: SamlConnectionSettings, samlResponseBase64: string): Promise<string | undefined> {
  const keys = settings.spDecryptionKeys ?? [];
  if (keys.length < 2) return keys[0];
  const xml = Buffer.from(samlResponseBase64, 'base64').toString('utf8');
  const encrypted = /<(?:[\w.-]+:)?EncryptedAssertion\b[\s\S]*?<\/(?:[\w.-]+:)?EncryptedAssertion>/.exec(xml)?.[0];
  if (!encrypted) return keys[0];
  for (const key of keys) {
    if (await decryptXml(encrypted, key).then(() => true, () => false)) return key;
  }
  return keys[0];
}

/**
 * The person the provider's POSTed SAMLResponse names, once every check holds; else an
 * SsoProtocolError. `expected.requestId` is the id startSamlSignIn gave for this sign-in.
 */
export async function finishSamlSignIn(settings: SamlConnectionSettings, samlResponseBase64: string, expected: SamlExpected, deps: SamlFinishDeps): Promise<UpstreamIdentity> {
  const now = deps.now ?? Date.now;
  checkPosted(samlResponseBase64);
  if (!expected.requestId) throw new SsoProtocolError('sso.unsolicited', 'No sign-in was started here for this response.');
  const v = await verifiedAssertion(settings, samlResponseBase64, { validateInResponseTo: ValidateInResponseTo.always, cacheProvider: onlyRequest(expected.requestId, now), requestIdExpirationPeriodMs: REQUEST_ID_MEMORY_MS });
  await checkSingleUse(v.assertion, v.confirmation, settings, v.idp, expected.requestId, deps.replay, now());
  return identityOf(v.profile, v.assertion, settings);
}

/**
 * Whether a posted SAMLResponse answers no request (its Response carries no InResponseTo): sign-in started
 * at the identity provider. Only which path reads it depends on this; each path refuses what it does not expect.
 */
export function isUnsolicitedResponse(samlResponseBase64: string): boolean {
  if (typeof samlResponseBase64 !== 'string' || samlResponseBase64.length === 0 || samlResponseBase64.length > MAX_SAML_RESPONSE_BASE64) return false;
  const root = /<(?:[\w.-]+:)?Response\b[^>]*>/.exec(Buffer.from(samlResponseBase64, 'base64').toString('utf8'))?.[0];
  return root !== undefined && !/\sInResponseTo\s*=/.test(root);
}

/**
 * Sign-in started at the identity provider (saml-profiles §4.1.5, an unsolicited Response): refused unless the
 * connection allows it; then held to more than an answer to our request, since no request of ours binds it —
 * the assertion itself signed (a Response-only signature is not enough), no InResponseTo anywhere, audience,
 * recipient and validity window with the connection's skew, and the assertion id used once.
 */
export async function finishSamlUnsolicited(settings: SamlConnectionSettings, samlResponseBase64: string, deps: SamlFinishDeps): Promise<UpstreamIdentity> {
  const now = deps.now ?? Date.now;
  if (!settings.allowIdpInitiated) throw new SsoProtocolError('sso.unsolicited', 'This connection does not accept sign-in started at the identity provider.');
  checkPosted(samlResponseBase64);
  // ifPresent with a cache that knows no request: any InResponseTo (Response or SubjectConfirmationData) is refused
  const v = await verifiedAssertion(settings, samlResponseBase64, { wantAssertionsSigned: true, validateInResponseTo: ValidateInResponseTo.ifPresent, cacheProvider: noRequests });
  if (v.confirmation.InResponseTo) throw new SsoProtocolError('sso.unsolicited', 'The assertion answers a request this sign-in did not make.');
  await checkSingleUse(v.assertion, v.confirmation, settings, v.idp, null, deps.replay, now());
  return identityOf(v.profile, v.assertion, settings);
}

const noRequests: CacheProvider = { saveAsync: async () => null, getAsync: async () => null, removeAsync: async (key) => key };

/** A CacheProvider that knows exactly one request id — the one this sign-in issued — so node-saml's InResponseTo check compares against it. */
function onlyRequest(requestId: string, now: () => number): CacheProvider {
  return {
    saveAsync: async () => null,
    getAsync: async (key) => (key === requestId ? new Date(now()).toISOString() : null),
    removeAsync: async (key) => key,
  };
}

// --- the steps after node-saml's verification; `assertion` is xml2js output of the signed (and decrypted) assertion

type XmlNode = { $?: Record<string, string>; _?: string } & { [child: string]: XmlNode[] | Record<string, string> | string | undefined };

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const c = node?.[name];
  return Array.isArray(c) ? c : [];
}
function text(node: XmlNode | undefined): string {
  return typeof node?._ === 'string' ? node._.trim() : '';
}

function checkIssuer(assertion: XmlNode, idp: IdpMetadata): void {
  const issuer = text(children(assertion, 'Issuer')[0]);
  if (issuer !== idp.entityId) throw new SsoProtocolError('sso.response_invalid', `The assertion was issued by ${issuer || 'an unnamed issuer'}, not by the connection's identity provider.`);
}

/** saml-profiles §4.1.4.2: a bearer SubjectConfirmationData with our ACS as Recipient and a NotOnOrAfter. */
function checkBearerConfirmation(assertion: XmlNode, settings: SamlConnectionSettings): Record<string, string> {
  const data = children(children(assertion, 'Subject')[0], 'SubjectConfirmation')
    .filter((c) => c.$?.Method === BEARER)
    .flatMap((c) => children(c, 'SubjectConfirmationData'))
    .map((d) => d.$ ?? {});
  if (data.length === 0) throw new SsoProtocolError('sso.response_invalid', 'The assertion has no bearer subject confirmation.');
  const ours = data.find((d) => d.Recipient === settings.acsUrl);
  if (!ours) throw new SsoProtocolError('sso.wrong_audience', 'The assertion is meant for another address than this connection’s.');
  if (!ours.NotOnOrAfter) throw new SsoProtocolError('sso.response_invalid', 'The assertion’s subject confirmation has no expiry.');
  return ours;
}

/** The assertion id until it expires (with the skew it was judged with), and the request id when there is one, each used once. */
async function checkSingleUse(
  assertion: XmlNode,
  confirmation: Record<string, string>,
  settings: SamlConnectionSettings,
  idp: IdpMetadata,
  requestId: string | null,
  replay: SamlReplayStore,
  now: number,
): Promise<void> {
  const id = assertion.$?.ID;
  if (!id) throw new SsoProtocolError('sso.response_invalid', 'The assertion has no ID.');
  const ends = [confirmation.NotOnOrAfter, children(assertion, 'Conditions')[0]?.$?.NotOnOrAfter].filter(Boolean).map((t) => Date.parse(t as string));
  const until = Math.min(...ends.filter((t) => Number.isFinite(t))) + Math.max(0, settings.clockSkewSeconds) * 1000;
  if (!Number.isFinite(until)) throw new SsoProtocolError('sso.response_invalid', 'The assertion’s expiry is not a date.');
  if (!(await replay.firstUse(`assertion|${idp.entityId}|${id}`, until, now))) throw new SsoProtocolError('sso.response_replayed', 'This assertion was already used to sign in.');
  if (requestId !== null && !(await replay.firstUse(`request|${settings.spEntityId}|${requestId}`, now + REQUEST_ID_MEMORY_MS, now))) {
    throw new SsoProtocolError('sso.response_replayed', 'This sign-in was already completed.');
  }
}

/** Every string value of the first of `names` the assertion carries. */
function attributeValues(profile: Profile, names: readonly (string | undefined)[]): string[] {
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
  for (const name of names) {
    if (!name || !(name in attributes)) continue;
    const raw = attributes[name];
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean);
    if (values.length > 0) return values;
  }
  return [];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function identityOf(profile: Profile, assertion: XmlNode, settings: SamlConnectionSettings): UpstreamIdentity {
  const configured = settings.attributes ?? {};
  const nameId = (profile.nameID ?? '').trim();
  const format = profile.nameIDFormat ?? UNSPECIFIED_FORMAT;
  const nameIdEmail = format === EMAIL_FORMAT || EMAIL.test(nameId) ? nameId : undefined;
  // the configured attribute, else a common mailbox attribute, else a NameID that is an e-mail address
  const email = [...attributeValues(profile, [configured.email, ...COMMON_ATTRIBUTES.email]), nameIdEmail].find((v) => v && EMAIL.test(v));
  if (!email) throw new SsoProtocolError('sso.missing_email', 'The identity provider did not send an e-mail address for this person.');
  const given = attributeValues(profile, COMMON_ATTRIBUTES.givenName)[0];
  const family = attributeValues(profile, COMMON_ATTRIBUTES.surname)[0];
  const name = attributeValues(profile, [configured.name, ...COMMON_ATTRIBUTES.name])[0] ?? ([given, family].filter(Boolean).join(' ') || undefined);
  const groups = [...new Set(attributeValues(profile, [configured.groups, ...COMMON_ATTRIBUTES.groups]))];
  // a transient NameID changes at every sign-in: the person is then known by a stable attribute, or by e-mail
  const subject = (format === TRANSIENT ? attributeValues(profile, COMMON_ATTRIBUTES.stableId)[0] : nameId) || email.toLowerCase();
  const classRefs = children(assertion, 'AuthnStatement')
    .flatMap((s) => children(s, 'AuthnContext'))
    .flatMap((c) => children(c, 'AuthnContextClassRef'))
    .map(text)
    .filter(Boolean);
  const authnMethods = [...new Set([...classRefs, ...attributeValues(profile, COMMON_ATTRIBUTES.authnMethods)])];
  // single logout (saml-profiles §4.4): a LogoutRequest names the NameID as sent — with its qualifiers, which a
  // LogoutRequest from the provider must then match too — and the SessionIndex of this sign-in
  const sessionIndex = children(assertion, 'AuthnStatement').map((st) => st.$?.SessionIndex).find((v): v is string => typeof v === 'string' && v.length > 0) ?? null;
  const qualifiers = { ...(profile.nameQualifier ? { nameQualifier: profile.nameQualifier } : {}), ...(profile.spNameQualifier ? { spNameQualifier: profile.spNameQualifier } : {}) };
  const upstreamSession = nameId ? { id: sessionIndex, nameId, nameIdFormat: format, ...qualifiers } : undefined;
  return { subject, email, ...(name ? { name } : {}), groups, authnMethods, ...(upstreamSession ? { upstreamSession } : {}) };
}

/**
 * Our service provider metadata for this connection, for the customer's IT to import: entity id, the
 * ACS (HTTP-POST), signed assertions wanted, and the connection's certificate for signing requests and
 * for encrypting assertions to us.
 */
export function spMetadataXml(settings: SamlConnectionSettings): string {
  const creds = settings.spCredentials;
  const next = creds ? settings.spNextCertificatePem : undefined;
  const xml = generateServiceProviderMetadata({
    issuer: settings.spEntityId,
    callbackUrl: settings.acsUrl,
    // we ask for the stronger form (the assertion signed, so it stands on its own); a Response signed only at the
    // message level is accepted all the same (samlConfig)
    wantAssertionsSigned: true,
    identifierFormat: null,
    generateUniqueId: () => `_${randomToken(20)}`,
    ...(settings.sloUrl ? { logoutCallbackUrl: settings.sloUrl } : {}),
    // during a rotation the next certificate is published beside the current one, for signing and for encryption,
    // so the identity provider knows it before our messages are signed with it
    ...(creds ? { privateKey: creds.privateKeyPem, publicCerts: next ? [creds.certificatePem, next] : creds.certificatePem, decryptionPvk: creds.privateKeyPem, decryptionCert: creds.certificatePem } : {}),
  });
  return withSpExtras(xml, settings.sloUrl, next);
}

const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/**
 * What node-saml's metadata builder has no option for: our SingleLogoutService for the HTTP-Redirect binding beside
 * its HTTP-POST one, and a second encryption KeyDescriptor (the next certificate). Both are copies of elements the
 * builder wrote, placed where the schema orders them (KeyDescriptor*, then SingleLogoutService*).
 */
function withSpExtras(xml: string, sloUrl: string | undefined, nextCertPem: string | undefined): string {
  let out = xml;
  const slo = new RegExp(`<SingleLogoutService Binding="${POST_BINDING}"[^>]*/>`).exec(out)?.[0];
  if (sloUrl && slo) out = out.replace(slo, `${slo.replace(POST_BINDING, REDIRECT_BINDING)}${slo}`);
  const enc = /<KeyDescriptor use="encryption">[\s\S]*?<\/KeyDescriptor>/.exec(out)?.[0];
  const body = enc ? /<ds:X509Certificate>([^<]*)<\/ds:X509Certificate>/.exec(enc)?.[1] : undefined;
  if (nextCertPem && enc && body) out = out.replace(enc, `${enc}${enc.replace(body, certificateBody(nextCertPem))}`);
  return out;
}
