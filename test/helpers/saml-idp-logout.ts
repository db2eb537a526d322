/**
 * The single-logout side of the samlify test identity provider (saml-idp.ts): the same entity and key, with
 * its SingleLogoutService (HTTP-Redirect) in its metadata. It reads and verifies the LogoutRequest our service
 * provider sends (signature checked against the certificate in our metadata) by either binding, answers it with a
 * signed LogoutResponse by either binding, reads and verifies our LogoutResponse posted to it, and sends its own
 * LogoutRequests — signed or not, by the Redirect or the POST binding, with NameID qualifiers or not, and made
 * wrong on purpose (`variant`).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import { certificateBody } from '../../src/modules/sso/saml/sp-credentials.ts';
import { qualifierAttributes, type SamlIdp } from './saml-idp.ts';

interface SamlifyEntity {
  [other: string]: any;
}
const samlify = createRequire(import.meta.url)('samlify') as {
  IdentityProvider(settings: Record<string, unknown>): SamlifyEntity;
  ServiceProvider(settings: Record<string, unknown>): SamlifyEntity;
};

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export type LogoutVariant = 'good' | 'unsigned' | 'wrong_issuer' | 'expired' | 'wrong_destination';

export interface ReceivedLogoutRequest {
  id: string;
  nameId: string;
  sessionIndex: string | null;
  /** the NameID element as sent (its Format and qualifiers) */
  nameIdElement: string;
  destination: string;
  issuer: string;
  signed: boolean;
  /** samlify's parse, to answer it */
  parsed: unknown;
}

export interface IdpLogout {
  /** our LogoutRequest as the browser brings it to the provider (the Location we redirected to), verified */
  readRequest(location: string): Promise<ReceivedLogoutRequest>;
  /** our LogoutRequest as the browser posts it to the provider (HTTP-POST binding), verified */
  readPostedRequest(form: Record<string, string>): Promise<ReceivedLogoutRequest>;
  /** our LogoutResponse as the browser posts it to the provider, verified: its XML */
  readPostedResponse(form: Record<string, string>): Promise<string>;
  /** the provider's signed LogoutResponse to `request`, as the URL it sends the browser to (our SLO) */
  respond(request: ReceivedLogoutRequest): string;
  /** the same, as the form its page posts to our SLO (HTTP-POST binding) */
  respondByPost(request: ReceivedLogoutRequest): { url: string; form: Record<string, string> };
  /** a LogoutRequest from the provider: a URL (Redirect binding) or a form to POST */
  request(o: { nameId: string; sessionIndex?: string; variant?: LogoutVariant; binding?: 'redirect' | 'post'; nameQualifier?: string; spNameQualifier?: string }): { url: string; form?: Record<string, string>; id: string };
}

/** The logout side of `idp` for the service provider whose metadata is `spMetadataXml`. */
export function idpLogout(idp: SamlIdp, spMetadataXml: string): IdpLogout {
  const entity = samlify.IdentityProvider({
    entityID: idp.entityId,
    privateKey: idp.keyPem,
    signingCert: certificateBody(idp.certPem),
    wantLogoutRequestSigned: true,
    singleSignOnService: [{ Binding: REDIRECT, Location: idp.ssoUrl }],
    singleLogoutService: [
      { Binding: REDIRECT, Location: `${idp.origin}/slo` },
      { Binding: POST, Location: `${idp.origin}/slo` },
    ],
    nameIDFormat: [EMAIL_FORMAT],
  });
  const sp = (signed: boolean) => samlify.ServiceProvider({ metadata: spMetadataXml, wantLogoutRequestSigned: signed, wantLogoutResponseSigned: signed });
  const signedSp = sp(true);

  return {
    async readRequest(location) {
      const url = new URL(location);
      const rawQuery = location.split('?')[1] ?? '';
      const parts = rawQuery.split('&');
      const octetString = ['SAMLRequest', 'RelayState', 'SigAlg'].map((k) => parts.find((p) => p.startsWith(`${k}=`))).filter(Boolean).join('&');
      const parsed = await entity.parseLogoutRequest(signedSp, 'redirect', { query: Object.fromEntries(url.searchParams), octetString });
      const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
      return described(xml, url.searchParams.has('Signature'), parsed);
    },
    async readPostedRequest(form) {
      const parsed = await entity.parseLogoutRequest(signedSp, 'post', { body: form });
      const xml = Buffer.from(form.SAMLRequest ?? '', 'base64').toString('utf8');
      return described(xml, /<(?:\w+:)?Signature\b/.test(xml), parsed);
    },
    async readPostedResponse(form) {
      await entity.parseLogoutResponse(signedSp, 'post', { body: form });
      return Buffer.from(form.SAMLResponse ?? '', 'base64').toString('utf8');
    },
    respond(request) {
      return (entity.createLogoutResponse(signedSp, request.parsed, 'redirect', '') as { context: string }).context;
    },
    respondByPost(request) {
      const made = entity.createLogoutResponse(signedSp, request.parsed, 'post', '') as { context: string; entityEndpoint: string };
      return { url: made.entityEndpoint, form: { SAMLResponse: made.context } };
    },
    request({ nameId, sessionIndex, variant = 'good', binding = 'redirect', nameQualifier, spNameQualifier }) {
      const target = variant === 'unsigned' ? sp(false) : signedSp;
      const id = `_${randomBytes(16).toString('hex')}`;
      const now = Date.now();
      const at = (ms: number) => new Date(ms).toISOString();
      const destination = variant === 'wrong_destination' ? 'https://another-service.example/slo' : (target.entityMeta.getSingleLogoutService(binding) as string);
      const issuer = variant === 'wrong_issuer' ? 'https://another-idp.example/' : idp.entityId;
      const issued = variant === 'expired' ? now - 20 * 60_000 : now;
      const xml =
        `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${at(issued)}" NotOnOrAfter="${at(issued + 5 * 60_000)}" Destination="${esc(destination)}">` +
        `<saml:Issuer>${esc(issuer)}</saml:Issuer><saml:NameID Format="${EMAIL_FORMAT}"${qualifierAttributes({ nameQualifier, spNameQualifier })}>${esc(nameId)}</saml:NameID>` +
        (sessionIndex ? `<samlp:SessionIndex>${esc(sessionIndex)}</samlp:SessionIndex>` : '') +
        `</samlp:LogoutRequest>`;
      const made = entity.createLogoutRequest(target, binding, { logoutNameID: nameId }, { relayState: '', customTagReplacement: () => ({ id, context: xml }) }) as { context: string; entityEndpoint?: string };
      if (binding === 'redirect') return { url: made.context, id };
      return { url: made.entityEndpoint ?? '', form: { SAMLRequest: made.context }, id };
    },
  };
}

/** What the provider reads of our LogoutRequest's XML. */
function described(xml: string, signed: boolean, parsed: unknown): ReceivedLogoutRequest {
  const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(xml)?.[1] ?? '';
  return {
    id: attr('ID'),
    nameId: /<(?:\w+:)?NameID[^>]*>([^<]*)</.exec(xml)?.[1] ?? '',
    nameIdElement: /<(?:\w+:)?NameID\b[^>]*>/.exec(xml)?.[0] ?? '',
    sessionIndex: /<(?:\w+:)?SessionIndex[^>]*>([^<]*)</.exec(xml)?.[1] ?? null,
    destination: attr('Destination'),
    issuer: /<(?:\w+:)?Issuer[^>]*>([^<]*)</.exec(xml)?.[1] ?? '',
    signed,
    parsed,
  };
}

/** The provider's sign-out page for a browser our LogoutRequest brought: it signs the person out and links back with its LogoutResponse. */
export function sloPage(logout: IdpLogout): (url: string) => Promise<{ status: number; type: string; body: string }> {
  return async (url) => {
    const request = await logout.readRequest(url);
    const back = logout.respond(request);
    return {
      status: 200,
      type: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Signed out</title></head><body><main><h1>You are signed out of the test identity provider</h1><p><a href="${esc(back)}">Back to the application</a></p></main></body></html>`,
    };
  };
}
