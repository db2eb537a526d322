/** The voucher catalog and a tenant's vouchers, for tenant members (read) in the portal. */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, problems, page } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { VouchersService } from './vouchers.service.ts';
import { toVoucherDto } from './vouchers.service.ts';
import { VOUCHER_TYPES, toVoucherTypeDto } from './voucher-types.ts';
import * as S from './vouchers.schemas.ts';

export function voucherRoutes(d: { vouchers: VouchersService; access: Access; clock: Clock }): AudienceRoutes {
  const { vouchers, access, clock } = d;

  return {
    me(app: App): void {
      app.get(
        '/api/v1/voucher-types',
        { schema: { tags: ['vouchers'], summary: 'The voucher catalog: the types that can be issued and their value', response: { 200: Type.Object({ data: Type.Array(S.VoucherTypeDto) }), ...problems(401) } } },
        async (req) => {
          access.user(req);
          return { data: VOUCHER_TYPES.map(toVoucherTypeDto) };
        },
      );
    },
    tenant(app: App): void {
      app.get(
        '/api/v1/tenants/:tenant_id/vouchers',
        {
          schema: {
            tags: ['vouchers'],
            summary: "A tenant's vouchers, newest first; filter by issuing agency, status or type",
            params: S.TenantVouchersParams,
            querystring: S.ListVouchersQuery,
            response: { 200: page(S.VoucherDto), ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'vouchers.read');
          const q = req.query;
          const r = await vouchers.list({ tenantId: req.params.tenant_id, partnerAgencyId: q.agency_id, status: q.status, type: q.type, cursor: q.cursor, limit: q.limit ?? 50 });
          const now = clock.now().toISOString();
          return { data: r.data.map((v) => toVoucherDto(v, now)), next_cursor: r.nextCursor };
        },
      );

      app.get(
        '/api/v1/tenants/:tenant_id/vouchers/:voucher_id',
        { schema: { tags: ['vouchers'], summary: 'One voucher', params: S.TenantVoucherParams, response: { 200: S.VoucherDto, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'vouchers.read');
          return toVoucherDto(await vouchers.require(req.params.tenant_id, req.params.voucher_id), clock.now().toISOString());
        },
      );
    },
  };
}
