/**
 * A customer placing and cancelling its own orders. Where orders go is the operator's choice: the
 * reference service (the order is there at once) or the provider's system of record, through the
 * gateway — then the order shows "Sent to <provider>, waiting for confirmation" until the provider's
 * data source sends it back. A refusal by the provider, or a provider that cannot be reached, is
 * said in its words and nothing is kept. Who may do it comes from the role's permissions
 * (orders.create, orders.cancel).
 */
import { useEffect, useMemo, useState } from 'react';
import { Button, Group, Modal, NumberInput, Select, Stack, Text, Textarea } from '@mantine/core';
import { ORDERABLE_PRODUCTS, selfRecordsApi, type NewOwnOrder, type OwnOrder } from '../../api/selfService.ts';
import { selfKeys } from '../../api/keys/selfService.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { useApiForm } from '../../query/form.ts';
import { useApiMutation } from '../../query/query.ts';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  line: { id: 'self_service.orders.line', defaultMessage: '{quantity} × {product}' },
  sent: {
    id: 'self_service.orders.sent',
    defaultMessage: '{name}: {what, select, placed {order} other {cancellation}} sent to {provider}. It shows as waiting until they confirm it.',
  },
  done: { id: 'self_service.orders.done', defaultMessage: '{name}: {what, select, placed {placed} other {cancelled}}.' },
  chooseProduct: { id: 'self_service.orders.choose_product_required', defaultMessage: 'Choose what to order.' },
  placeTitle: { id: 'self_service.orders.place_title', defaultMessage: 'Place an order' },
  product: { id: 'self_service.orders.product', defaultMessage: 'Product' },
  productPlaceholder: { id: 'self_service.orders.product_placeholder', defaultMessage: 'Choose a product' },
  quantity: { id: 'self_service.orders.quantity', defaultMessage: 'Quantity' },
  account: { id: 'self_service.orders.billing_account', defaultMessage: 'Billing account' },
  accountHelp: { id: 'self_service.orders.billing_account_help', defaultMessage: 'The account the order is for and billed to.' },
  notes: { id: 'self_service.orders.notes', defaultMessage: 'Notes' },
  notesHelp: { id: 'self_service.orders.notes_help', defaultMessage: 'Anything the provider should know (optional).' },
  providerNote: {
    id: 'self_service.orders.provider_note',
    defaultMessage: 'When your provider takes orders in its own system, the order goes there first and shows as waiting until they confirm it.',
  },
  placeOrder: { id: 'self_service.orders.place_submit', defaultMessage: 'Place order' },
  cancelLabel: { id: 'self_service.orders.cancel_label', defaultMessage: 'Cancel the order {name}' },
  cancel: { id: 'self_service.orders.cancel', defaultMessage: 'Cancel' },
  cancelTitle: { id: 'self_service.orders.cancel_title', defaultMessage: 'Cancel this order?' },
  cancelBody: {
    id: 'self_service.orders.cancel_body',
    defaultMessage: '{name} will not be delivered. When your provider takes orders in its own system, the cancellation goes there and shows as waiting until they confirm it.',
  },
  keep: { id: 'self_service.orders.keep', defaultMessage: 'Keep the order' },
  cancelConfirm: { id: 'self_service.orders.cancel_confirm', defaultMessage: 'Cancel the order' },
});

/** "2 × Product": an order's line in the reader's words. */
export const orderLine = (intl: IntlShape, o: { quantity: number; product_name: string }) => intl.formatMessage(m.line, { quantity: o.quantity, product: o.product_name });

/** An order that may still be cancelled (submitted or in progress, and not already on its way to cancelled). */
export const cancellable = (o: { status: string }) => o.status === 'submitted' || o.status === 'in_progress';

/** What the person reads once the order is placed or cancelled: done here, or sent and waiting. */
function doneWords(intl: IntlShape, o: OwnOrder, what: 'placed' | 'cancelled'): string {
  const name = orderLine(intl, o);
  if (o.confirmation) return intl.formatMessage(m.sent, { name, what, provider: o.confirmation.provider_name });
  return intl.formatMessage(m.done, { name, what });
}

interface NewOrderValues {
  product_code: string | null;
  quantity: number;
  ban_id: string | null;
  notes: string;
}

export function PlaceOrderModal({ tenantId, opened, accounts, onClose }: { tenantId: string; opened: boolean; accounts: { id: string; label: string }[]; onClose(): void }) {
  // one key per order being written: a second click or a retry after an error sends the same order once
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key each time the form opens
  const key = useMemo(() => crypto.randomUUID(), [opened]);
  const intl = useIntl();
  const place = useApiMutation((b: NewOwnOrder) => selfRecordsApi.placeOrder(tenantId, b, key), { success: (o) => doneWords(intl, o, 'placed'), onDone: onClose, invalidates: [selfKeys.all(tenantId)] });
  const form = useApiForm<NewOrderValues>(
    {
      initialValues: { product_code: null, quantity: 1, ban_id: accounts[0]?.id ?? null, notes: '' },
      validate: { product_code: (v) => (v ? null : intl.formatMessage(m.chooseProduct)) },
    },
    place,
    { resetWhen: opened },
  );
  // The form is made before the customer's accounts arrive: the first account is chosen when they do,
  // and again each time the dialog opens (after the reset to the form's first values).
  const firstAccount = accounts[0]?.id ?? null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the dialog opens
  useEffect(() => {
    if (opened && firstAccount) form.setFieldValue('ban_id', firstAccount);
  }, [opened]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the accounts arrive
  useEffect(() => {
    if (firstAccount && !form.getValues().ban_id) form.setFieldValue('ban_id', firstAccount);
  }, [firstAccount]);
  return (
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.placeTitle)} size="lg">
      <form
        noValidate
        onSubmit={form.submit((v) =>
          place.run({ product_code: v.product_code as NewOwnOrder['product_code'], quantity: v.quantity, ...(v.ban_id ? { ban_id: v.ban_id } : {}), ...(v.notes.trim() ? { notes: v.notes.trim() } : {}) }),
        )}
      >
        <Stack>
          <Select
            label={intl.formatMessage(m.product)}
            placeholder={intl.formatMessage(m.productPlaceholder)}
            withAsterisk data={ORDERABLE_PRODUCTS.map((p) => ({ value: p.code, label: p.name }))} {...form.getInputProps('product_code')} data-testid="new-order-product" />
          <NumberInput label={intl.formatMessage(m.quantity)} min={1} max={100} allowDecimal={false} {...form.getInputProps('quantity')} />
          {accounts.length > 0 && <Select
              label={intl.formatMessage(m.account)}
              description={intl.formatMessage(m.accountHelp)} allowDeselect={false} data={accounts.map((a) => ({ value: a.id, label: a.label }))} {...form.getInputProps('ban_id')} />}
          <Textarea
            label={intl.formatMessage(m.notes)}
            description={intl.formatMessage(m.notesHelp)} autosize minRows={2} maxLength={2000} {...form.getInputProps('notes')} />
          <Text size="xs" c="dimmed">
            <FormattedMessage {...m.providerNote} />
          </Text>
          <ErrorAlert error={place.error} labels={{ ban_id: intl.formatMessage(m.account), product_code: intl.formatMessage(m.product) }} />
          <FormActions onCancel={onClose} busy={place.busy} submitLabel={intl.formatMessage(m.placeOrder)} />
        </Stack>
      </form>
    </Modal>
  );
}

export function CancelOrderButton({ tenantId, order }: { tenantId: string; order: Pick<OwnOrder, 'id' | 'quantity' | 'product_name'> }) {
  const [asking, setAsking] = useState(false);
  const intl = useIntl();
  const cancel = useApiMutation(() => selfRecordsApi.cancelOrder(tenantId, order.id), { success: (o) => doneWords(intl, o, 'cancelled'), onDone: () => setAsking(false), invalidates: [selfKeys.all(tenantId)] });
  const name = orderLine(intl, order);
  return (
    <>
      <Button size="compact-sm" variant="light" color="red" onClick={() => setAsking(true)} aria-label={intl.formatMessage(m.cancelLabel, { name })}>
        <FormattedMessage {...m.cancel} />
      </Button>
      <Modal opened={asking} onClose={() => setAsking(false)} title={intl.formatMessage(m.cancelTitle)}>
        <Stack>
          <Text size="sm">
            <FormattedMessage {...m.cancelBody} values={{ name }} />
          </Text>
          <ErrorAlert error={cancel.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)}>
              <FormattedMessage {...m.keep} />
            </Button>
            <Button color="red" onClick={() => void cancel.run()} loading={cancel.busy}>
              <FormattedMessage {...m.cancelConfirm} />
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
