/**
 * The identity provider's SAML metadata re-read from its address (saml/idp-metadata-refresh.ts), against a
 * real HTTP server whose answer the test changes: a new signing certificate is taken and audited with the
 * old and new fingerprints; a failed or invalid answer keeps the last good metadata and shows the failure
 * with its time; of two instances finding a connection due, only one reads it; "Check now" reads at once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdpMetadataRefresh, signingFingerprints } from '../../../src/modules/sso/saml/index.ts';
import type { Clock } from '../../../src/platform/clock.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startSamlIdp, type SamlIdp } from '../../helpers/saml-idp.ts';

let t: TestApp;
let idp: SamlIdp;
let other: SamlIdp;
let server: Server;
let metadataUrl: string;
/** what the metadata address answers next */
let serving: { status: number; body: string };

const certOf = (xml: string) => xml.match(/<(?:ds:)?X509Certificate>([^<]+)</)![1];

beforeAll(async () => {
  t = await startTestApp({ config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
  idp = await startSamlIdp({ users: [] });
  other = await startSamlIdp({ users: [] });
  serving = { status: 200, body: idp.metadataXml };
  server = createServer((_req, res) => res.writeHead(serving.status, { 'content-type': 'application/samlmetadata+xml' }).end(serving.body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  metadataUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federationmetadata.xml`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await idp?.close();
  await other?.close();
  await t?.close();
});

/** a clock `ms` after now */
const later = (ms: number): Clock => {
  const at = () => Date.now() + ms;
  return { nowMs: at, now: () => new Date(at()) } as Clock;
};
const refresher = (ms: number, failures: unknown[] = []) =>
  new IdpMetadataRefresh({ db: t.services.db, clock: later(ms), audit: t.services.audit, allowPrivateTargets: true, intervalMs: 86_400_000, onError: (e) => failures.push(e) });

async function connectedByUrl() {
  serving = { status: 200, body: idp.metadataXml };
  const partner = await t.world.partner();
  const owner = await partner.owner.login();
  const saved = await owner.put(`/api/v1/partners/${partner.id}/sso`, {
    kind: 'saml',
    name: 'Metadata by address',
    enabled: true,
    saml: { idp_metadata_url: metadataUrl },
    default_role: 'partner_msp_support',
    role_mappings: [],
    trust_upstream_mfa: false,
    require_sso: false,
    break_glass_user_id: null,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return { partner, owner, id: saved.body.connection.id as string, view: async () => (await owner.get(`/api/v1/partners/${partner.id}/sso`)).body.connection.saml };
}

describe('IdP metadata re-read from its address', () => {
  it('a changed signing certificate is taken at the daily round, audited with the old and new fingerprints, and shown', async () => {
    const c = await connectedByUrl();
    const first = await c.view();
    expect(first.idp_metadata_read_at).toBeTruthy();
    expect(first.idp_metadata_error).toBeNull();
    expect(first.idp_metadata_failure).toBeNull();
    expect(first.idp_metadata_refresh_seconds).toBe(86_400);
    const oldPrints = await signingFingerprints(idp.metadataXml);
    expect(first.idp_signing_fingerprints).toEqual(oldPrints);
    // not due yet: nothing is read
    expect((await refresher(60_000).runOnce()).refreshed).toBe(0);
    serving = { status: 200, body: idp.metadataXml.split(certOf(idp.metadataXml)).join(certOf(other.metadataXml)) };
    const newPrints = await signingFingerprints(serving.body);
    expect(newPrints).not.toEqual(oldPrints);
    // a day later, two instances find it due at once: only one reads it
    const [a, b] = await Promise.all([refresher(86_400_000 + 60_000).runOnce(), refresher(86_400_000 + 60_000).runOnce()]);
    expect(a.refreshed + b.refreshed).toBeGreaterThanOrEqual(1);
    const row = await t.services.db.kysely.selectFrom('sso_connections').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.saml_idp_metadata_xml).toBe(serving.body);
    expect((await c.view()).idp_signing_fingerprints).toEqual(newPrints);
    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['details']).where('action', '=', 'sso.idp_certificates_changed').where('target_id', '=', c.id).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].details as string)).toMatchObject({ old_fingerprints: oldPrints, new_fingerprints: newPrints });
  });

  it('a failed fetch, an invalid answer or another provider’s metadata keeps the last good metadata and shows the failure with its time', async () => {
    const c = await connectedByUrl();
    const good = (await t.services.db.kysely.selectFrom('sso_connections').select('saml_idp_metadata_xml').where('id', '=', c.id).executeTakeFirstOrThrow()).saml_idp_metadata_xml;
    const entityOf = (xml: string) => /entityID="([^"]+)"/.exec(xml)![1];
    const cases: [string, { status: number; body: string }, { code: string; params: Record<string, unknown> }][] = [
      ['an error status', { status: 500, body: 'oops' }, { code: 'http_status', params: { status: 500 } }],
      ['not metadata', { status: 200, body: '<html>sign in</html>' }, { code: 'no_identity_provider', params: {} }],
      ['not XML', { status: 200, body: '<EntityDescriptor' }, { code: 'not_xml', params: {} }],
      ['no signing certificate', { status: 200, body: idp.metadataXml.replace(/<(?:ds:)?X509Certificate>[^<]+<\/(?:ds:)?X509Certificate>/g, '') }, { code: 'no_signing_certificate', params: {} }],
      ['another provider', { status: 200, body: other.metadataXml }, { code: 'other_identity_provider', params: { now: entityOf(other.metadataXml), before: entityOf(idp.metadataXml) } }],
    ];
    for (const [label, answer, failure] of cases) {
      serving = answer;
      const outcome = await t.app.sso.adapter('saml')!.refreshMetadata!(systemContext('test'), c.id);
      expect(outcome.ok, label).toBe(false);
      const shown = await c.view();
      // a code and its figures, said in the reader's language by the portal; no English sentence is stored
      expect(shown.idp_metadata_failure, label).toEqual(failure);
      expect(shown.idp_metadata_error, label).toBeNull();
      expect(shown.idp_metadata_checked_at, label).toBeTruthy();
      expect(shown.idp_signing_fingerprints, label).toEqual(await signingFingerprints(idp.metadataXml));
      const row = await t.services.db.kysely.selectFrom('sso_connections').select(['saml_idp_metadata_xml', 'saml_idp_metadata_error']).where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(row.saml_idp_metadata_xml, label).toBe(good);
      expect(row.saml_idp_metadata_error, label).toBe(failure.code);
    }
    // a failure recorded before codes were kept (an English sentence, no figures) is given back as it is
    const sentence = 'The metadata address answered with HTTP status 503.';
    await t.services.db.kysely.updateTable('sso_connections').set({ saml_idp_metadata_error: sentence, saml_idp_metadata_error_params: null }).where('id', '=', c.id).execute();
    expect(await c.view()).toMatchObject({ idp_metadata_failure: null, idp_metadata_error: sentence });
    // the address answers well again: "Check now" from the portal clears the failure
    serving = { status: 200, body: idp.metadataXml };
    const checked = await c.owner.post(`/api/v1/partners/${c.partner.id}/sso/saml-metadata/check`);
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    expect(checked.body.connection.saml).toMatchObject({ idp_metadata_error: null, idp_metadata_failure: null, metadata_check_available: true });
  });

  it('"Check now" is the organization’s own, and only for a connection read from an address', async () => {
    const c = await connectedByUrl();
    const stranger = await (await t.world.partner()).owner.login();
    // another organization's connection looks exactly like a missing one
    expect((await stranger.post(`/api/v1/partners/${c.partner.id}/sso/saml-metadata/check`)).status).toBe(404);
    const pasted = await t.world.partner();
    const owner = await pasted.owner.login();
    const saved = await owner.put(`/api/v1/partners/${pasted.id}/sso`, {
      kind: 'saml',
      name: 'Pasted metadata',
      enabled: true,
      saml: { idp_metadata_xml: idp.metadataXml },
      default_role: 'partner_msp_support',
      role_mappings: [],
      trust_upstream_mfa: false,
      require_sso: false,
      break_glass_user_id: null,
    });
    expect(saved.body.connection.saml.metadata_check_available).toBe(false);
    expect((await owner.post(`/api/v1/partners/${pasted.id}/sso/saml-metadata/check`)).status).toBe(404);
  });
});
