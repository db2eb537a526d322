/**
 * The routes of the reference resource service, with the permission and rate-limit class each
 * needs. The upstream serves them under its base path; the gateway ships them configured under
 * /resources/v1 (method + path → permission, route class) and documents them in the OpenAPI.
 */
import type { TSchema } from 'typebox';
import { Strict, Type } from '../../platform/http/schemas.ts';
import { ListQueryCommon, PageFields } from '../../platform/http/list-params.ts';
import * as S from './resources.schemas.ts';
import { VoucherDto } from '../vouchers/index.ts';

export interface ResourceRouteSpec {
  method: 'GET' | 'POST' | 'PATCH';
  /** relative to the service base, `:param` segments allowed */
  path: string;
  /** null: needs only an effective access to the tenant (no permission) */
  permission: string | null;
  rateClass: 'read' | 'write' | 'export';
  summary: string;
  schema: { querystring?: TSchema; params?: TSchema; body?: TSchema; response: Record<number, TSchema> };
}

const ok = <T extends TSchema>(t: T) => ({ 200: t });

export const REFERENCE_ROUTES: readonly ResourceRouteSpec[] = [
  { method: 'GET', path: '/context', permission: null, rateClass: 'read', summary: 'The verified identity the resource service received (tenant, partner, acting user or app, BANs, bill-to)', schema: { response: ok(S.ContextDto) } },
  { method: 'GET', path: '/accounts', permission: 'billing.accounts.read', rateClass: 'read', summary: 'Billing accounts (BANs) the access covers', schema: { response: ok(Type.Object({ data: Type.Array(S.AccountDto) })) } },
  { method: 'GET', path: '/orders', permission: 'orders.read', rateClass: 'read', summary: 'Orders of the tenant (newest first)', schema: { querystring: S.OrderListQuery, response: ok(S.pageOf(S.OrderDto)) } },
  {
    method: 'POST',
    path: '/orders',
    permission: 'orders.create',
    rateClass: 'write',
    summary: "Place an order for the tenant. Billed to the customer's BAN, or to the wholesaler's own BAN for the wholesaler persona. Send Idempotency-Key to make retries safe.",
    schema: { body: S.PlaceOrderBody, response: { 201: S.OrderDto, 200: S.OrderDto } },
  },
  { method: 'GET', path: '/orders/:order_id', permission: 'orders.read', rateClass: 'read', summary: 'One order', schema: { params: S.OrderParams, response: ok(S.OrderDto) } },
  { method: 'POST', path: '/orders/:order_id/cancel', permission: 'orders.cancel', rateClass: 'write', summary: 'Cancel a submitted or in-progress order', schema: { params: S.OrderParams, response: ok(S.OrderDto) } },
  { method: 'GET', path: '/services', permission: 'services.read', rateClass: 'read', summary: 'Provisioned services', schema: { querystring: S.ServiceListQuery, response: ok(S.pageOf(S.ServiceDto)) } },
  {
    method: 'GET',
    path: '/subscribers',
    permission: 'services.subscribers.read',
    rateClass: 'read',
    summary: 'Subscribers: the customer’s own end customers, on the covered billing accounts (by name; `q` searches name, number, e-mail, plan and address)',
    schema: {
      querystring: Strict({ ...ListQueryCommon, ban: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'a billing account id (ban_…) or account number' })), status: Type.Optional(S.SubscriberStatus) }),
      response: ok(Type.Object({ data: Type.Array(Type.Object({ ...S.SubscriberDto.properties, tenant_name: Type.String() })), ...PageFields })),
    },
  },
  { method: 'GET', path: '/invoices', permission: 'billing.invoices.read', rateClass: 'read', summary: 'Invoices (newest first)', schema: { querystring: S.InvoiceListQuery, response: ok(S.pageOf(S.InvoiceDto)) } },
  { method: 'GET', path: '/invoices/:invoice_id', permission: 'billing.invoices.read', rateClass: 'read', summary: 'One invoice', schema: { params: S.InvoiceParams, response: ok(S.InvoiceDto) } },
  { method: 'GET', path: '/tickets', permission: 'support.tickets.read', rateClass: 'read', summary: 'Support tickets', schema: { querystring: S.TicketListQuery, response: ok(S.pageOf(S.TicketDto)) } },
  { method: 'POST', path: '/tickets', permission: 'support.tickets.create', rateClass: 'write', summary: 'Open a support ticket', schema: { body: S.OpenTicketBody, response: { 201: S.TicketDto } } },
  { method: 'PATCH', path: '/tickets/:ticket_id', permission: 'support.tickets.update', rateClass: 'write', summary: 'Change status, priority or assignee of a ticket, or add a comment', schema: { params: S.TicketParams, body: S.UpdateTicketBody, response: ok(S.TicketDto) } },
  { method: 'GET', path: '/usage', permission: 'reports.usage.read', rateClass: 'read', summary: 'Usage records per month and metric', schema: { querystring: S.UsageListQuery, response: ok(S.pageOf(S.UsageDto)) } },
  { method: 'GET', path: '/sla', permission: 'reports.sla.read', rateClass: 'read', summary: 'SLA records per month and service', schema: { querystring: S.SlaListQuery, response: ok(S.pageOf(S.SlaDto)) } },
  { method: 'GET', path: '/vouchers', permission: 'vouchers.read', rateClass: 'read', summary: 'Vouchers of the covered billing accounts (newest first)', schema: { querystring: S.VoucherListQuery, response: ok(S.pageOf(VoucherDto)) } },
  { method: 'GET', path: '/vouchers/lookup', permission: 'vouchers.read', rateClass: 'read', summary: 'Look a voucher up by the code the customer typed', schema: { querystring: S.VoucherLookupQuery, response: ok(VoucherDto) } },
  { method: 'POST', path: '/vouchers', permission: 'vouchers.issue', rateClass: 'write', summary: 'Issue a voucher on a covered billing account', schema: { body: S.IssueVoucherBody, response: { 201: VoucherDto } } },
];
