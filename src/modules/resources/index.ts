/**
 * The reference resource service: the tables and service (orders, services, invoices, tickets,
 * usage, SLA), its own HTTP app (the gateway's default upstream), its route table with the
 * permission of each route, and its demo data.
 */
export { ResourcesService, PRODUCTS, toOrderDto, toServiceDto, toInvoiceDto, toTicketDto, toUsageDto, toSlaDto, type ResourceCaller, type ResourcesDeps, type TenantScope } from './resources.service.ts';
export { resourceErrors } from './resources.errors.ts';
export { REFERENCE_ROUTES, type ResourceRouteSpec } from './reference-routes.ts';
export { buildUpstreamApp, type UpstreamAuthenticator, type UpstreamDeps, type UpstreamIdentity } from './upstream.app.ts';
export * as ResourceSchemas from './resources.schemas.ts';
export { partnerConsolidatedRoutes, type PartnerRoutesDeps } from './partner.routes.ts';
export { MspViewsService, type MspViewsDeps, type MspCaller, type Alert } from './msp-views.service.ts';
export { InvoiceExportService, exportErrors, SYNC_EXPORT_MAX, EXPORT_TTL_MS, type ExportFilters, type ExportFormat } from './invoice-export.service.ts';
export { INVOICE_EXPORT_COLUMNS, invoiceCsvHeadings } from './invoice-csv.ts';
export { ListQueryCommon, PageFields, Period, listKind, pageRows, parseRange, parseSort, sortFields, type CommonListQuery, type ListKind, type ListPage } from './resource-lists.ts';
export { PersonDto, loadPeople, type Person, type People } from './people.ts';
export * as invoiceQueries from './invoices.repo.ts';
export * as watchDemoQueries from './watch-demo.repo.ts';
export { tenantSelfRoutes, type TenantSelfRoutesDeps } from './tenant-self.routes.ts';
