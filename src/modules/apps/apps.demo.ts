/**
 * The demo world's OAuth side: an app for the delegated partner (Northwind Ordering, used by the
 * sample partner app at /sample-partner-app/), one for the wholesaler (Contoso Provisioning,
 * client credentials + token exchange), one for the MSP's own staff (Fabrikam Console: a
 * Fabrikam user signs in and acts as themselves, the customer chosen per request with
 * X-Active-Tenant-Id; its redirect URI is a loopback one, as for a local tool — RFC 8252), plus
 * one end customer Contoso resells. Client secrets
 * are derived from the installation secret (like demo passwords), so re-runs print the same
 * value; only their keyed hash is stored. Idempotent. If an owner rotates a demo app's secret,
 * the derived value stops working (the sample partner app says so): `partnergate apps
 * reset-demo-secret` puts it back.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../platform/crypto.ts';
import type { Config } from '../../config/config.ts';
import type { SecretHasher } from '../../platform/crypto.ts';
import type { DemoStep, DemoUserLookup } from '../../platform/demo-step.ts';
import type { PartnersService } from '../partners/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { AppsService } from './apps.service.ts';
import type { ResoldTenantsService } from './resold-tenants.service.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { CLIENT_SECRET_PREFIX, type AppInput } from './apps.service.ts';
import { SECRET_AUTH_METHODS, TOKEN_EXCHANGE_GRANT, acceptedAuthMethods, describeAuthMethods } from './app-scopes.ts';

export const SAMPLE_APP_PATH = '/sample-partner-app';

export function demoClientSecret(installationSecret: string, partnerSlug: string): string {
  return `${CLIENT_SECRET_PREFIX}_${createHmac('sha256', installationSecret).update('demo-client-secret:' + partnerSlug).digest('base64url')}`;
}

export function demoApps(publicUrl: string): { partnerSlug: string; input: AppInput }[] {
  return [
    {
      partnerSlug: 'northwind-apps',
      input: {
        name: 'Northwind Ordering',
        description: 'Places and tracks orders for the customers who connect it.',
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: [`${publicUrl}${SAMPLE_APP_PATH}/callback`],
        scopes: ['openid', 'profile', 'email', 'orders.read', 'orders.create', 'services.read', 'billing.accounts.read', 'billing.invoices.read'],
      },
    },
    {
      partnerSlug: 'contoso-wholesale',
      input: {
        name: 'Contoso Provisioning',
        description: 'Provisions services for Contoso and the customers it resells.',
        grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
        scopes: ['orders.read', 'orders.create', 'services.read', 'services.manage', 'billing.accounts.read'],
      },
    },
    {
      partnerSlug: 'fabrikam-msp',
      input: {
        name: 'Fabrikam Console',
        description: "Fabrikam's own console: its staff sign in and work on the customers Fabrikam is linked to, one customer per request.",
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: ['http://127.0.0.1:8765/callback'],
        scopes: ['openid', 'profile', 'email', 'orders.read', 'orders.create', 'services.read', 'billing.invoices.read', 'support.tickets.read'],
      },
    },
  ];
}

export interface DemoAppInfo {
  partner_slug: string;
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  grant_types: string[];
  scopes: string[];
  /** every client authentication method the app accepts (openid-client's default, the secret in the body, included) */
  token_endpoint_auth_methods: string[];
  /** the same in plain words */
  authentication: string;
}

/** The services the demo apps need (the application's services have them all). */
export type AppsDemoDeps = {
  apps: AppsService;
  resold: ResoldTenantsService;
  partners: Pick<PartnersService, 'findBySlug'>;
  tenants: Pick<TenantsService, 'findBySlug'>;
  identity: DemoUserLookup;
  hasher: Pick<SecretHasher, 'hash'>;
  config: Pick<Config, 'publicUrl' | 'secretKey'>;
};

export const seedDemoApps: DemoStep<AppsDemoDeps> = async (s, world, opCtx) => {
  const out: DemoAppInfo[] = [];
  for (const { partnerSlug, input } of demoApps(s.config.publicUrl)) {
    const partner = world.partners.find((p) => p.slug === partnerSlug);
    if (!partner) continue;
    const secret = demoClientSecret(s.config.secretKey, partnerSlug);
    let app = (await s.apps.list(partner.id)).find((a) => a.name === input.name);
    if (!app) {
      const owner = await s.identity.findUserByEmail(partner.owner.email);
      const ctx: RequestContext = { ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: owner?.id ?? opCtx.actor.userId, partnerId: partner.id } };
      app = (await s.apps.create(ctx, partner.id, input, { secret })).app;
    }
    out.push({
      partner_slug: partnerSlug,
      client_id: app.id,
      client_secret: secret,
      redirect_uris: JSON.parse(app.redirect_uris) as string[],
      grant_types: JSON.parse(app.grant_types) as string[],
      scopes: JSON.parse(app.scopes) as string[],
      token_endpoint_auth_methods: acceptedAuthMethods(app),
      authentication: describeAuthMethods(acceptedAuthMethods(app)),
    });
  }
  world.apps = out;

  // One end customer the wholesaler resells, so token exchange works out of the box.
  const contoso = world.partners.find((p) => p.slug === 'contoso-wholesale');
  if (contoso) {
    const slug = 'bluebird-cafe';
    if (!(await s.tenants.findBySlug(slug))) {
      const owner = await s.identity.findUserByEmail(contoso.owner.email);
      const ctx: RequestContext = { ...opCtx, actor: { ...opCtx.actor, type: 'user', userId: owner?.id ?? opCtx.actor.userId, partnerId: contoso.id } };
      await s.resold.provision(ctx, contoso.id, { name: 'Bluebird Café', slug, billing_account_name: 'Bluebird Café — main' });
    }
    world.resold_tenants = (await s.resold.list(contoso.id)).map((r) => ({ partner_slug: contoso.slug, tenant_id: r.tenant.id, slug: r.tenant.slug, name: r.tenant.name, delegation_id: r.delegation_id, bill_to_ban: r.bill_to_ban }));
  }
};

export interface DemoAppSecretState {
  partner_slug: string;
  client_id: string;
  /** the derived demo secret (what `seed demo --json` prints) */
  client_secret: string;
  /** false when the app's secret was rotated since: the derived one no longer authenticates */
  current: boolean;
}

/** The demo apps that use a client secret, and whether it still is the derived demo secret. */
export async function demoAppSecrets(s: Pick<AppsDemoDeps, 'apps' | 'partners' | 'hasher' | 'config'>): Promise<DemoAppSecretState[]> {
  const out: DemoAppSecretState[] = [];
  for (const { partnerSlug, input } of demoApps(s.config.publicUrl)) {
    const partner = await s.partners.findBySlug(partnerSlug);
    if (!partner) continue;
    const app = (await s.apps.list(partner.id)).find((a) => a.name === input.name);
    if (!app || !SECRET_AUTH_METHODS.includes(app.token_endpoint_auth_method)) continue;
    const secret = demoClientSecret(s.config.secretKey, partnerSlug);
    out.push({ partner_slug: partnerSlug, client_id: app.id, client_secret: secret, current: app.secret_hash !== null && constantTimeEqual(app.secret_hash, s.hasher.hash(secret)) });
  }
  return out;
}

/** Put the derived demo secret back on every demo app whose secret was rotated (audited as a rotation). */
export async function resetDemoSecrets(s: Pick<AppsDemoDeps, 'apps' | 'partners' | 'hasher' | 'config'>, ctx: RequestContext): Promise<(DemoAppSecretState & { reset: boolean })[]> {
  const out: (DemoAppSecretState & { reset: boolean })[] = [];
  for (const a of await demoAppSecrets(s)) {
    if (a.current) {
      out.push({ ...a, reset: false });
      continue;
    }
    const partner = await s.partners.findBySlug(a.partner_slug);
    await s.apps.rotateSecret({ ...ctx, actor: { ...ctx.actor, partnerId: partner!.id } }, partner!.id, a.client_id, { secret: a.client_secret, reason: 'demo secret restored (partnergate apps reset-demo-secret)' });
    out.push({ ...a, current: true, reset: true });
  }
  return out;
}
