/**
 * The world the gateway benchmarks measure (bench:gateway, bench:forward-auth): a customer tenant
 * with one billing account, a delegated partner with its app, and the customer's consent (a
 * `consent` delegation with orders.read and orders.create), in a fresh SQLite database in `dir`.
 * Returns it with `mint(jti)`: an access token with the claims a consent grant carries, signed
 * with the authorization server's own current key (the JWKS the gateway verifies against), and
 * `mintAs(alg)`: the same minting with the current key of another algorithm (ES256, RS256, EdDSA).
 * Minting 10⁵ tokens through the consent flow would measure the authorization server instead.
 * A second partner on the same customer, with daily and monthly request quotas in its configuration
 * (partner quotas), gives `mintQuota(jti)`: the same path with the quota counted on every request.
 * An MSP with a link to the customer, which requires partner people to have used a second factor
 * (MFA policies), gives `mintPerson(jti)`: a token of the MSP's owner signed in to the MSP's own app with
 * MFA (`amr`), acting on the customer named by X-Active-Tenant-Id — the MFA policy decided on every
 * request (app tokens, the other two, are not people: the policy does not cover them).
 */
import { createPrivateKey, sign, type JsonWebKey as NodeJwk } from 'node:crypto';
import type { JWK } from 'jose';
import { loadConfig } from '../src/config/config.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/app/build-app.ts';
import { systemContext } from '../src/platform/http/request-context.ts';
import { MANAGED_ALGS, type ManagedAlg } from '../src/modules/oauth/index.ts';

export async function gatewayWorld(env: Record<string, string | undefined>, dir: string, gwUrl: string) {
  const config = loadConfig(env, {});
  const db = openDatabase({ databaseUrl: null, dataDir: dir });
  await migrateToLatest(db);
  const app = await buildApp({ config, db, logger: false });
  await app.ready();
  const s = app.services;
  const ctx = systemContext('bench');
  const { tenant } = await s.tenants.createTenant(ctx, { name: 'Bench Customer', slug: 'bench-customer' });
  const ban = await s.tenants.createBillingAccount(ctx, tenant.id, { name: 'Main' });
  const applied = await s.partners.apply(ctx, { name: 'Bench Partner', slug: 'bench-partner', contact_email: 'owner@bench.example', owner: { name: 'Owner', email: 'owner@bench.example', password: 'correct horse battery staple' } });
  const partner = applied.partner;
  const consented = async (partnerId: string) => {
    await s.partners.transition(ctx, partnerId, 'approve', { capabilities: ['delegated'] });
    const { app: partnerApp } = await s.apps.create({ ...ctx, actor: { ...ctx.actor, partnerId } }, partnerId, {
      name: 'Bench app',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['https://bench.example/callback'],
      scopes: ['orders.read', 'orders.create'],
    });
    const dlg = await s.delegations.create(ctx, {
      partnerId,
      tenantId: tenant.id,
      origin: 'consent',
      role: 'DELEGATE',
      scopes: ['orders.read', 'orders.create'],
      overrides: { grant: ['orders.read', 'orders.create'] },
      banIds: [ban.id],
      billToBanId: ban.id,
      clientId: partnerApp.id,
      endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    return { partnerApp, dlg };
  };
  const { partnerApp, dlg } = await consented(partner.id);
  // the quota partner: quotas far above what a run sends, so every request is counted and admitted
  const quotaPartner = (await s.partners.apply(ctx, { name: 'Bench Quota Partner', slug: 'bench-quota-partner', contact_email: 'owner@bench-quota.example', owner: { name: 'Owner', email: 'owner@bench-quota.example', password: 'correct horse battery staple' } })).partner;
  const quota = await consented(quotaPartner.id);
  await s.partners.updateConfigSection(ctx, quotaPartner.id, 'limits', { daily_quota: 1_000_000_000, monthly_quota: 30_000_000_000 });
  // BENCH_MFA_POLICY=1: MFA required platform-wide and by the tenant, and the tokens say
  // the user signed in with a second factor — the policy lives in the decision snapshot, so the
  // hot path pays a field read at most.
  const mfa = env.BENCH_MFA_POLICY === '1';
  if (mfa) {
    const by = { userId: 'usr_bench' } as Parameters<typeof s.identity.mfaPolicies.set>[1];
    await s.identity.mfaPolicies.set(ctx, by, 'platform', 'platform', true);
    await s.identity.mfaPolicies.set(ctx, by, 'tenant', tenant.id, true);
  }
  // the MSP person: a link with MSP_FULL, the tenant's MFA policy for partner people, the MSP's own app
  const msp = await s.partners.apply(ctx, { name: 'Bench MSP', slug: 'bench-msp', contact_email: 'owner@bench-msp.example', owner: { name: 'Owner', email: 'owner@bench-msp.example', password: 'correct horse battery staple' } });
  await s.partners.transition(ctx, msp.partner.id, 'approve', { capabilities: ['managed_services'] });
  await s.delegations.create(ctx, { partnerId: msp.partner.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', status: 'active', endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
  const { app: mspApp } = await s.apps.create({ ...ctx, actor: { ...ctx.actor, partnerId: msp.partner.id } }, msp.partner.id, {
    name: 'Bench MSP app',
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: ['https://bench-msp.example/callback'],
    scopes: ['orders.read', 'orders.create'],
  });
  await s.identity.mfaPolicies.set(ctx, { userId: 'usr_bench' } as Parameters<typeof s.identity.mfaPolicies.set>[1], 'tenant', tenant.id, true);
  const keys = s.oauth.keys;
  const current = keys.current;
  // the private key of every algorithm's current key, so a run can mint tokens of each (mintAs)
  const privateJwks = new Map(MANAGED_ALGS.map((alg) => [alg, keys.providerJwks().keys.find((k) => k.kid === keys.currentFor(alg).kid) as JWK]));
  await app.close();
  await db.close();

  // Every token has the claims of a consent grant and its own jti. The header and the claims
  // around the jti are encoded once; each token is signed with node:crypto (a few seconds for
  // the hundreds of thousands the cold path needs, where jose's SignJWT took minutes).
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  /** A signer with the current key of one algorithm (the JWKS the gateway verifies against publishes them all). */
  const signerFor = (alg: ManagedAlg) => {
    const privateKey = createPrivateKey({ key: privateJwks.get(alg) as NodeJwk, format: 'jwk' });
    const header = b64({ alg, typ: 'at+jwt', kid: keys.currentFor(alg).kid });
    return (c: Record<string, unknown>) => {
      const input = `${header}.${b64(c)}`;
      // ES256: the signature as JOSE writes it (r‖s, not DER); RS256: RSASSA-PKCS1-v1_5 with SHA-256; EdDSA: Ed25519 (no digest)
      const sig =
        alg === 'ES256' ? sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }) : sign(alg === 'RS256' ? 'sha256' : null, Buffer.from(input), privateKey);
      return `${input}.${sig.toString('base64url')}`;
    };
  };
  const signed = signerFor(current.alg as ManagedAlg);
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    partner_id: partner.id,
    persona: 'partner',
    tenant_id: tenant.id,
    customer_ban: [ban.account_number],
    bill_to: ban.account_number,
    act: { sub: partner.id, client_id: partnerApp.id },
    dlg: dlg.id,
    scope: 'orders.read orders.create',
    ...(mfa ? { amr: ['pwd', 'otp', 'mfa'], acr: 'urn:partnergate:aal2' } : {}),
    client_id: partnerApp.id,
    iss: `${gwUrl}/oauth`,
    aud: `${gwUrl}/resources`,
    sub: tenant.id,
    iat,
    // long enough for every round of the run (the gateway checks exp on every request)
    exp: iat + 3600,
  };
  const mint = (jti: string) => signed({ ...claims, jti });
  /** mint, signed with the current key of `alg` instead of ACCESS_TOKEN_SIGNING_ALG's */
  const mintAs = (alg: ManagedAlg) => {
    const signedAs = signerFor(alg);
    return (jti: string) => signedAs({ ...claims, jti });
  };
  const quotaClaims = { ...claims, partner_id: quotaPartner.id, act: { sub: quotaPartner.id, client_id: quota.partnerApp.id }, dlg: quota.dlg.id, client_id: quota.partnerApp.id };
  const mintQuota = (jti: string) => signed({ ...quotaClaims, jti });
  const personClaims = {
    partner_id: msp.partner.id,
    persona: 'msp',
    act: { sub: msp.partner.id, client_id: mspApp.id },
    scope: 'orders.read orders.create',
    amr: ['pwd', 'otp', 'mfa'],
    acr: 'urn:partnergate:aal2',
    client_id: mspApp.id,
    iss: claims.iss,
    aud: claims.aud,
    sub: msp.ownerId,
    iat,
    exp: iat + 3600,
  };
  // without a second factor (mfa = false) the tenant's policy refuses it: the bench's proof it is checked
  const mintPerson = (jti: string, mfa = true) => signed({ ...personClaims, ...(mfa ? {} : { amr: ['pwd'], acr: undefined }), jti });
  return { mint, mintAs, mintQuota, mintPerson, partner, tenant, ban, partnerApp, dlg, quotaPartner, msp: msp.partner };
}
