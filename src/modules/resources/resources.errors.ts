import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const resourceErrors = defineErrors('resources', {
  gateway_assertion_invalid: { status: 401, title: 'The request did not come through the gateway' },
  order_not_found: { status: 404, title: 'Order not found' },
  order_not_cancellable: { status: 409, title: 'The order can no longer be cancelled' },
  invoice_not_found: { status: 404, title: 'Invoice not found' },
  ticket_not_found: { status: 404, title: 'Support ticket not found' },
  invalid_ticket_transition: { status: 409, title: 'The ticket cannot move to that status' },
  ban_required: { status: 400, title: 'Name the billing account (ban_id)' },
  bill_to_missing: { status: 403, title: 'No billing account to charge' },
  idempotency_key_reused: { status: 409, title: 'The Idempotency-Key was used for a different order' },
  assignee_not_member: { status: 400, title: 'The assignee is not an active member of the customer or of the partner acting on it' },
});

// Two concurrent first attempts with one key: the loser answers 409 and its retry finds the winner.
registerUniqueConstraint('orders_tenant_id_idempotency_key_key', 'idempotency_key_reused', 'An order with this Idempotency-Key is being placed; retry to get it.');
registerUniqueConstraint('support_tickets_write_key_idx', 'idempotency_key_reused', 'A ticket with this Idempotency-Key is being sent; retry to get it.');
