import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const voucherErrors = defineErrors('vouchers', {
  voucher_not_found: { status: 404, title: 'Voucher not found' },
  voucher_type_unknown: { status: 400, title: 'Unknown voucher type' },
  voucher_not_redeemable: { status: 409, title: 'The voucher cannot be redeemed or voided in its current state' },
  voucher_code_taken: { status: 409, title: 'The voucher code is taken' },
});

registerUniqueConstraint('vouchers_code_key', 'voucher_code_taken', 'Another voucher already has this code.');
