/**
 * SAML 2.0 Single Logout for one connection (saml-profiles-2.0-os §4.4), HTTP-Redirect and HTTP-POST bindings,
 * built on @node-saml/node-saml: it writes and signs our LogoutRequest and LogoutResponse — by the Redirect binding
 * (the query signature of saml-bindings §3.4.4.1) when the provider's metadata offers it, else by the POST binding
 * (an enveloped XML signature, saml-bindings §3.5.4, made by node-saml's own signer over xml-crypto; node-saml has
 * no POST builder for logout messages, only their XML) — and verifies the identity provider's signatures (the query signature,
 * or the enveloped XML signature of the POST binding). What node-saml leaves to its caller is done here:
 *
 *  - a signature is required (node-saml accepts a Redirect-binding message that carries none);
 *  - the Issuer is the connection's identity provider and the Destination is our SingleLogoutService
 *    (saml-bindings §3.4.5.2 / §3.5.5.2: a signed message names where it is going);
 *  - a LogoutRequest is fresh (IssueInstant within LOGOUT_MESSAGE_MAX_AGE_MS, NotOnOrAfter not passed, with the
 *    connection's clock skew) and its ID is used once;
 *  - a LogoutResponse answers a LogoutRequest we sent (InResponseTo, checked by the caller's `ourRequest`), once,
 *    and says Success.
 *
 * Every refusal is a SamlLogoutRefused with a reason for the audit trail; nothing is ended by the caller then.
 */
import { inflateRawSync } from 'node:zlib';
import { SAML, ValidateInResponseTo, type CacheProvider, type Profile } from '@node-saml/node-saml';
import { parseDomFromString, xpath } from '@node-saml/node-saml/lib/xml.js';
import { signSamlPost } from '@node-saml/node-saml/lib/saml-post-signing.js';
import type { SamlConnectionSettings } from '../sso.types.ts';
import type { IdpMetadata } from './idp-metadata.ts';
import { idpOf, samlConfig } from './saml-adapter.ts';
import type { SamlReplayStore } from './saml-replay.ts';

/** A LogoutRequest issued longer ago than this is refused (and its ID remembered this long, so a replay is too). */
export const LOGOUT_MESSAGE_MAX_AGE_MS = 5 * 60 * 1000;
/** A logout message larger than this is not read (a real one is under 2 KB). */
const MAX_MESSAGE_BASE64 = 64 * 1024;
type XmlElement = ReturnType<typeof xpath.selectElements>[number];
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

export class SamlLogoutRefused extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
    this.name = 'SamlLogoutRefused';
  }
}

/** What the sealed copy of a SAML session keeps for a LogoutRequest (sso-logout.ts sessionLink). */
export interface SamlLogoutSubject {
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  /** the NameID's qualifiers as the assertion carried them (saml-core §2.2.2); absent in sessions opened before they were kept */
  nameQualifier?: string | null;
  spNameQualifier?: string | null;
}

/** A NameID's identifying attributes besides its value (saml-core §2.2.2, §8.3): null when the message leaves one out. */
export interface NameIdQualifiers {
  format: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
}

/** A message of ours on its way to the provider: where to send the browser (Redirect binding), or the form it posts there (POST binding). */
export type SloOutbound = { binding: 'redirect'; url: string } | { binding: 'post'; url: string; form: Record<string, string> };

/** A message as it reached our SingleLogoutService: the query (Redirect binding, with the raw query the signature covers) or the form (POST). */
export type SloMessage = { binding: 'redirect'; query: Record<string, string>; rawQuery: string } | { binding: 'post'; form: Record<string, string> };

export type SloRead =
  | { kind: 'response'; inResponseTo: string; relayState: string | undefined }
  | { kind: 'request'; id: string; nameId: string; qualifiers: NameIdQualifiers; sessionIndex: string | null; relayState: string | undefined };

const noCache: CacheProvider = { saveAsync: async () => null, getAsync: async () => null, removeAsync: async (key) => key };

const PROTOCOL = "namespace-uri(.)='urn:oasis:names:tc:SAML:2.0:protocol'";
/** What signSamlPost signs (the root) — its signature goes right after the Issuer, as the schema orders it. */
const ROOT_XPATH = { LogoutRequest: `/*[local-name(.)='LogoutRequest' and ${PROTOCOL}]`, LogoutResponse: `/*[local-name(.)='LogoutResponse' and ${PROTOCOL}]` };

/** `xml` by the provider's binding: a signed query (node-saml's `toUrl`), or the XML signed in place and posted. */
async function outbound(saml: SAML, idp: IdpMetadata, kind: 'LogoutRequest' | 'LogoutResponse', xml: () => Promise<string>, toUrl: () => Promise<string>, relayState: string | undefined): Promise<SloOutbound> {
  const slo = idp.slo!;
  if (slo.binding === 'redirect') return { binding: 'redirect', url: await toUrl() };
  const { privateKey } = saml.options;
  // every SAML connection has our key pair (sso-connection-row.ts): an unsigned logout message is never sent
  if (!privateKey) throw new Error('no signing key for a logout message');
  const signed = signSamlPost(await xml(), ROOT_XPATH[kind], { ...saml.options, privateKey });
  const field = kind === 'LogoutRequest' ? 'SAMLRequest' : 'SAMLResponse';
  return { binding: 'post', url: kind === 'LogoutRequest' ? slo.url : slo.responseUrl, form: { [field]: Buffer.from(signed, 'utf8').toString('base64'), ...(relayState ? { RelayState: relayState } : {}) } };
}

/**
 * How the browser takes our signed LogoutRequest to the identity provider so it ends its session too — its
 * NameID (with the format and qualifiers the assertion gave, saml-core §3.7.1) and the SessionIndex of this
 * sign-in — or null when its metadata names no SingleLogoutService.
 */
export async function samlLogoutRequest(settings: SamlConnectionSettings, subject: SamlLogoutSubject, requestId: string): Promise<SloOutbound | null> {
  const idp = await idpOf(settings);
  if (!idp.slo) return null;
  const saml = new SAML(samlConfig(settings, idp, { logoutUrl: idp.slo.url, generateUniqueId: () => requestId, validateInResponseTo: ValidateInResponseTo.never, cacheProvider: noCache }));
  const user = {
    nameID: subject.nameId,
    nameIDFormat: subject.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    ...(subject.nameQualifier ? { nameQualifier: subject.nameQualifier } : {}),
    ...(subject.spNameQualifier ? { spNameQualifier: subject.spNameQualifier } : {}),
    ...(subject.sessionIndex ? { sessionIndex: subject.sessionIndex } : {}),
  } as unknown as Profile;
  return outbound(saml, idp, 'LogoutRequest', () => saml._generateLogoutRequest(user), () => saml.getLogoutUrlAsync(user, '', {}), undefined);
}

/** Our signed LogoutResponse to the identity provider's LogoutRequest `requestId` (Success, or Requester/UnknownPrincipal); null when it names nowhere to send it. */
export async function samlLogoutResponse(settings: SamlConnectionSettings, requestId: string, success: boolean, relayState: string | undefined): Promise<SloOutbound | null> {
  const idp = await idpOf(settings);
  if (!idp.slo) return null;
  const saml = new SAML(samlConfig(settings, idp, { logoutUrl: idp.slo.responseUrl, validateInResponseTo: ValidateInResponseTo.never, cacheProvider: noCache }));
  const request = { ID: requestId } as unknown as Profile;
  return outbound(saml, idp, 'LogoutResponse', async () => saml._generateLogoutResponse(request, success), () => saml.getLogoutResponseUrlAsync(request, relayState ?? '', {}, success), relayState);
}

export interface ReadSloDeps {
  replay: SamlReplayStore;
  /** whether `id` is a LogoutRequest this connection sent and that may still be answered */
  ourRequest: (id: string) => boolean;
  now: () => number;
}

/** A logout message from the identity provider, once every check above holds; SamlLogoutRefused otherwise. */
export async function readSamlLogoutMessage(settings: SamlConnectionSettings, message: SloMessage, deps: ReadSloDeps): Promise<SloRead> {
  const fields = message.binding === 'redirect' ? message.query : message.form;
  const isRequest = typeof fields.SAMLRequest === 'string' && fields.SAMLRequest !== '';
  const b64 = isRequest ? fields.SAMLRequest : fields.SAMLResponse;
  if (typeof b64 !== 'string' || b64 === '') throw new SamlLogoutRefused('no SAMLRequest or SAMLResponse');
  if (b64.length > MAX_MESSAGE_BASE64) throw new SamlLogoutRefused('message too large');
  const relayState = typeof fields.RelayState === 'string' && fields.RelayState !== '' ? fields.RelayState : undefined;
  const root = await rootOf(b64, message.binding);
  const idp = await idpOf(settings).catch(() => {
    throw new SamlLogoutRefused("the identity provider's metadata cannot be used");
  });
  const saml = new SAML(samlConfig(settings, idp, { idpIssuer: idp.entityId, validateInResponseTo: ValidateInResponseTo.never, cacheProvider: noCache }));
  if (message.binding === 'redirect' && (!message.query.Signature || !message.query.SigAlg)) throw new SamlLogoutRefused('not signed');
  let profile: Profile | null;
  try {
    if (message.binding === 'redirect') ({ profile } = await saml.validateRedirectAsync(message.query, message.rawQuery));
    else if (isRequest) ({ profile } = await saml.validatePostRequestAsync({ SAMLRequest: b64 }));
    else ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: b64 }));
  } catch (e) {
    throw new SamlLogoutRefused(classify(e));
  }
  checkEnvelope(root, idp.entityId, settings, isRequest ? 'LogoutRequest' : 'LogoutResponse');
  if (isRequest) return request(root, profile, settings, idp.entityId, deps, relayState);
  const inResponseTo = root.getAttribute('InResponseTo') ?? '';
  if (!inResponseTo || !deps.ourRequest(inResponseTo)) throw new SamlLogoutRefused('answers no sign-out we started');
  const status = xpath.selectElements(root, "./*[local-name()='Status']/*[local-name()='StatusCode']")[0]?.getAttribute('Value');
  if (status !== SUCCESS) throw new SamlLogoutRefused(`status ${status ?? 'missing'}`);
  if (!(await deps.replay.firstUse(`logout-response|${settings.spEntityId}|${inResponseTo}`, deps.now() + LOGOUT_MESSAGE_MAX_AGE_MS * 2, deps.now()))) throw new SamlLogoutRefused('already answered (replay)');
  return { kind: 'response', inResponseTo, relayState };
}

async function rootOf(b64: string, binding: SloMessage['binding']): Promise<XmlElement> {
  try {
    const raw = Buffer.from(b64, 'base64');
    const xml = (binding === 'redirect' ? inflateRawSync(raw, { maxOutputLength: 256 * 1024 }) : raw).toString('utf8');
    const root = (await parseDomFromString(xml)).documentElement;
    if (!root) throw new Error('empty');
    return root as unknown as XmlElement;
  } catch {
    throw new SamlLogoutRefused('not a readable SAML message');
  }
}

function classify(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/signature/i.test(message)) return 'signature does not verify';
  if (/issuer/i.test(message)) return 'issued by another party';
  if (/expired|not yet valid/i.test(message)) return 'expired';
  if (/status/i.test(message)) return 'the identity provider did not sign the person out';
  return 'not a valid logout message';
}

/** The root is the expected message, from the connection's identity provider, addressed to our SingleLogoutService. */
function checkEnvelope(root: XmlElement, idpEntityId: string, settings: SamlConnectionSettings, expected: string): void {
  if (root.localName !== expected || root.namespaceURI !== 'urn:oasis:names:tc:SAML:2.0:protocol') throw new SamlLogoutRefused('not a logout message');
  const issuer = xpath.selectElements(root, "./*[local-name()='Issuer']")[0]?.textContent?.trim() ?? '';
  if (issuer !== idpEntityId) throw new SamlLogoutRefused('issued by another party');
  if (!settings.sloUrl || root.getAttribute('Destination') !== settings.sloUrl) throw new SamlLogoutRefused('addressed to another destination');
}

async function request(root: XmlElement, profile: Profile | null, settings: SamlConnectionSettings, idpEntityId: string, deps: ReadSloDeps, relayState: string | undefined): Promise<SloRead> {
  const id = root.getAttribute('ID') ?? '';
  const nameId = profile?.nameID ?? '';
  if (!id || !nameId) throw new SamlLogoutRefused('no ID or no NameID');
  const now = deps.now();
  const skew = Math.max(0, settings.clockSkewSeconds) * 1000;
  const issued = Date.parse(root.getAttribute('IssueInstant') ?? '');
  if (!Number.isFinite(issued)) throw new SamlLogoutRefused('no IssueInstant');
  if (issued > now + skew || issued + LOGOUT_MESSAGE_MAX_AGE_MS + skew < now) throw new SamlLogoutRefused('expired');
  const notOnOrAfter = Date.parse(root.getAttribute('NotOnOrAfter') ?? '');
  if (Number.isFinite(notOnOrAfter) && notOnOrAfter + skew <= now) throw new SamlLogoutRefused('expired');
  if (!(await deps.replay.firstUse(`logout-request|${idpEntityId}|${id}`, issued + LOGOUT_MESSAGE_MAX_AGE_MS + 2 * skew, now))) throw new SamlLogoutRefused('already used (replay)');
  const sessionIndex = typeof profile?.sessionIndex === 'string' && profile.sessionIndex !== '' ? profile.sessionIndex : null;
  return { kind: 'request', id, nameId, qualifiers: qualifiersOf(root), sessionIndex, relayState };
}

/** The NameID's Format, NameQualifier and SPNameQualifier, as the (verified) LogoutRequest carries them; null each when absent or encrypted. */
function qualifiersOf(root: XmlElement): NameIdQualifiers {
  const el = xpath.selectElements(root, "./*[local-name()='NameID' and namespace-uri()='urn:oasis:names:tc:SAML:2.0:assertion']")[0];
  const attr = (name: string) => (el?.getAttribute(name) ? el.getAttribute(name) : null);
  return { format: attr('Format'), nameQualifier: attr('NameQualifier'), spNameQualifier: attr('SPNameQualifier') };
}

const UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';

/**
 * Whether the NameID a LogoutRequest names is the one a session kept from its assertion, beyond the value (which
 * the keyed hash already matched): NameQualifier, SPNameQualifier and Format each compared only when both sides
 * carry it (saml-core §8.3: an omitted qualifier is left to the parties; the unspecified format says nothing).
 */
export function sameNameId(kept: SamlLogoutSubject, named: NameIdQualifiers): boolean {
  const differs = (a: string | null | undefined, b: string | null) => !!a && !!b && a !== b;
  if (differs(kept.nameQualifier, named.nameQualifier) || differs(kept.spNameQualifier, named.spNameQualifier)) return false;
  const format = (f: string | null | undefined) => (f && f !== UNSPECIFIED ? f : null);
  return !differs(format(kept.nameIdFormat), format(named.format));
}
