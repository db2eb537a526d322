/**
 * World builders: each test makes its own tenants, partners and users (unique names), so tests
 * never depend on a shared seed or on each other's order.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../src/app/services.ts';
import { mutate } from '../../src/platform/db/database.ts';
import { systemContext, type RequestContext } from '../../src/platform/http/request-context.ts';
import type { Capability } from '../../src/modules/partners/index.ts';
import { Client } from './http.ts';

let counter = 0;
export function unique(label: string): string {
  return `${label}-${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** a new client logged in as this user */
  login(): Promise<Client>;
}

export interface TestTenant {
  id: string;
  slug: string;
  name: string;
  admin: TestUser;
  user: TestUser;
  bans: { id: string; account_number: string }[];
}

export interface TestPartner {
  id: string;
  slug: string;
  name: string;
  owner: TestUser;
  staff: TestUser;
}

export class World {
  readonly app: FastifyInstance;
  readonly s: Services;
  readonly ctx: RequestContext = systemContext('test-world');
  constructor(app: FastifyInstance) {
    this.app = app;
    this.s = app.services;
  }

  #asUser(id: string, email: string, password: string): TestUser {
    return { id, email, password, login: () => new Client(this.app).login(email, password) };
  }

  async user(opts: { platformRole?: string | null; label?: string } = {}): Promise<TestUser> {
    const email = `${unique(opts.label ?? 'user')}@example.test`;
    const password = 'correct horse battery ' + randomBytes(3).toString('hex');
    const id = await mutate(this.s.db, (trx) => this.s.identity.createUser(trx, { email, name: email.split('@')[0], password, platformRole: opts.platformRole ?? null }));
    return this.#asUser(id, email, password);
  }

  operator(): Promise<TestUser> {
    return this.user({ platformRole: 'SUPER_ADMIN', label: 'operator' });
  }

  async tenant(opts: { bans?: number } = {}): Promise<TestTenant> {
    const slug = unique('tenant');
    const { tenant } = await this.s.tenants.createTenant(this.ctx, { name: `Tenant ${slug}`, slug });
    const admin = await this.user({ label: 'tadmin' });
    const user = await this.user({ label: 'tuser' });
    await mutate(this.s.db, async (trx) => {
      await this.s.tenants.addMember(trx, { scopeId: tenant.id, userId: admin.id, role: 'TENANT_ADMIN', invitedBy: null, invitationId: null }, null);
      await this.s.tenants.addMember(trx, { scopeId: tenant.id, userId: user.id, role: 'TENANT_USER', invitedBy: null, invitationId: null }, null);
    });
    const bans = [];
    for (let i = 0; i < (opts.bans ?? 2); i++) {
      const b = await this.s.tenants.createBillingAccount(this.ctx, tenant.id, { name: `Account ${i + 1}` });
      bans.push({ id: b.id, account_number: b.account_number });
    }
    await this.s.feed.kick();
    return { id: tenant.id, slug, name: tenant.name, admin, user, bans };
  }

  /** Make an existing user a member of a tenant, directly (world building, unaudited; the API invites). */
  async joinTenant(tenantId: string, userId: string, role: 'TENANT_ADMIN' | 'TENANT_USER'): Promise<void> {
    await mutate(this.s.db, (trx) => this.s.tenants.addMember(trx, { scopeId: tenantId, userId, role, invitedBy: null, invitationId: null }, null));
    await this.s.feed.kick();
  }

  /** Make an existing user a member of a partner organization, directly (world building, unaudited; the API invites). */
  async joinPartner(partnerId: string, userId: string, role: 'PARTNER_OWNER' | 'PARTNER_STAFF'): Promise<void> {
    await mutate(this.s.db, (trx) => this.s.partners.addMember(trx, { scopeId: partnerId, userId, role, invitedBy: null, invitationId: null }, null));
    await this.s.feed.kick();
  }

  async partner(opts: { capabilities?: Capability[]; status?: 'applied' | 'active' | 'suspended' | 'terminated' } = {}): Promise<TestPartner> {
    const slug = unique('partner');
    const ownerEmail = `${unique('owner')}@example.test`;
    const ownerPassword = 'owner password ' + randomBytes(3).toString('hex');
    const { partner, ownerId } = await this.s.partners.apply(this.ctx, {
      name: `Partner ${slug}`,
      slug,
      contact_email: ownerEmail,
      owner: { name: 'Owner', email: ownerEmail, password: ownerPassword },
    });
    const status = opts.status ?? 'active';
    if (status !== 'applied') {
      await this.s.partners.transition(this.ctx, partner.id, 'approve', { capabilities: opts.capabilities ?? ['managed_services'] });
      if (status === 'suspended') await this.s.partners.transition(this.ctx, partner.id, 'suspend', { reason: 'test' });
      if (status === 'terminated') await this.s.partners.transition(this.ctx, partner.id, 'terminate', { reason: 'test' });
    }
    const staff = await this.user({ label: 'staff' });
    await mutate(this.s.db, (trx) => this.s.partners.addMember(trx, { scopeId: partner.id, userId: staff.id, role: 'PARTNER_STAFF', invitedBy: ownerId, invitationId: null }, null));
    await this.s.feed.kick();
    return { id: partner.id, slug, name: partner.name, owner: this.#asUser(ownerId, ownerEmail, ownerPassword), staff };
  }
}
