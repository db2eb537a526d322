/**
 * A partner whose people sign in through a SAML provider: a verified domain (its TXT record served by the
 * test DNS server) and a SAML connection to the given provider metadata, saved through the API by the
 * partner's owner — the set-up every SAML route test starts from.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { TestApp } from './app.ts';
import type { TestDnsServer } from './dns-server.ts';

export async function samlConnectedPartner(
  t: TestApp,
  dns: TestDnsServer,
  o: { metadataXml: string; domainPrefix: string; saml?: Record<string, unknown>; roleMappings?: { group: string; role: string }[] },
) {
  const partner = await t.world.partner();
  const owner = await partner.owner.login();
  const domain = `${o.domainPrefix}-${randomBytes(4).toString('hex')}.com`;
  const added = await owner.post(`/api/v1/partners/${partner.id}/domains`, { domain });
  expect(added.status).toBe(201);
  dns.setTxt(`_partnergate.${domain}`, [added.body.record.value]);
  expect((await owner.post(`/api/v1/partners/${partner.id}/domains/${added.body.id}/check`)).body.status).toBe('verified');
  const saved = await owner.put(`/api/v1/partners/${partner.id}/sso`, {
    kind: 'saml',
    name: 'Acme test provider',
    enabled: true,
    saml: { idp_metadata_xml: o.metadataXml, clock_skew_seconds: 60, ...o.saml },
    default_role: 'partner_msp_support',
    role_mappings: o.roleMappings ?? [],
    trust_upstream_mfa: true,
    require_sso: false,
    break_glass_user_id: null,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const connectionId: string = saved.body.connection.id;
  return { partner, owner, domain, connectionId, connection: saved.body.connection };
}
