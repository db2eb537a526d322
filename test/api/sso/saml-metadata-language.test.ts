/**
 * A save that refuses the identity provider's SAML metadata says why in the reader's language: the person's chosen
 * language (else the browser's), with the same words the portal shows for a failed re-read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startSamlIdp, type SamlIdp } from '../../helpers/saml-idp.ts';

let t: TestApp;
let idp: SamlIdp;

beforeAll(async () => {
  t = await startTestApp();
  idp = await startSamlIdp({ users: [] });
});
afterAll(async () => {
  await idp?.close();
  await t?.close();
});

const body = (idp_metadata_xml: string) => ({
  kind: 'saml',
  name: 'Acme test provider',
  enabled: false,
  saml: { idp_metadata_xml, clock_skew_seconds: 60 },
  default_role: 'partner_msp_support',
  role_mappings: [],
  trust_upstream_mfa: true,
  require_sso: false,
  break_glass_user_id: null,
});

describe('a save refusing SAML metadata', () => {
  it('gives its detail in the person’s chosen language (fr, de), and in English by default', async () => {
    const partner = await t.world.partner();
    const owner = await partner.owner.login();
    const noCertificate = idp.metadataXml.replace(/<(?:\w+:)?KeyDescriptor\b[\s\S]*?<\/(?:\w+:)?KeyDescriptor>/g, '');
    const save = (xml: string) => owner.put(`/api/v1/partners/${partner.id}/sso`, body(xml));

    const en = await save(noCertificate);
    expect(en.status).toBe(400);
    expect(en.body).toMatchObject({ code: 'sso_settings_invalid', detail: 'The identity provider in it publishes no signing certificate.' });

    expect((await owner.patch('/api/v1/me', { locale: 'fr' })).status).toBe(200);
    const fr = await save(noCertificate);
    expect(fr.status).toBe(400);
    expect(fr.body.detail).toBe('Le fournisseur d’identité qu’elles décrivent ne publie aucun certificat de signature.');
    expect(fr.body.errors).toEqual([expect.objectContaining({ pointer: '/body/saml/idp_metadata_xml', detail: fr.body.detail })]);
    expect((await save('<not-metadata')).body.detail).toBe('Les métadonnées ne sont pas du XML bien formé.');

    expect((await owner.patch('/api/v1/me', { locale: 'de' })).status).toBe(200);
    expect((await save(noCertificate)).body.detail).toBe('Der darin beschriebene Identitätsanbieter veröffentlicht kein Signaturzertifikat.');
    expect((await save('<not-metadata')).body.detail).toBe('Die Metadaten sind kein wohlgeformtes XML.');
  });
});
