/**
 * Vouchers: the table, the catalog and the issue/lookup/list/redeem/void service. The agency
 * embed API, the tenant portal and the gateway's reference resource service all go through
 * VouchersService, so every voucher is attributed and audited the same way.
 */
export { VouchersService, toVoucherDto, effectiveStatus, type IssueVoucherInput, type LookupScope, type VouchersDeps } from './vouchers.service.ts';
export { voucherRoutes } from './vouchers.routes.ts';
export { voucherErrors } from './vouchers.errors.ts';
export { VOUCHER_TYPES, voucherType, isVoucherType, toVoucherTypeDto, type VoucherType } from './voucher-types.ts';
export { newVoucherCode, normalizeVoucherCode } from './voucher-code.ts';
export { VoucherDto, VoucherTypeDto, VoucherStatus } from './vouchers.schemas.ts';
export type { VoucherRow, VoucherListFilter } from './vouchers.repo.ts';
