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

/** An order that may still be cancelled (submitted or in progress, and not already on its way to cancelled). */
export const cancellable = (o: { status: string }) => o.status === 'submitted' || o.status === 'in_progress';

/** What the person reads once the order is placed or cancelled: done here, or sent and waiting. */
function doneWords(o: OwnOrder, what: 'placed' | 'cancelled'): string {
  const name = `${o.quantity} × ${o.product_name}`;
  if (o.confirmation) return `${name}: ${what === 'placed' ? 'order' : 'cancellation'} sent to ${o.confirmation.provider_name}. It shows as waiting until they confirm it.`;
  return `${name}: ${what}.`;
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
  const place = useApiMutation((b: NewOwnOrder) => selfRecordsApi.placeOrder(tenantId, b, key), { success: (o) => doneWords(o, 'placed'), onDone: onClose, invalidates: [selfKeys.all(tenantId)] });
  const form = useApiForm<NewOrderValues>(
    {
      initialValues: { product_code: null, quantity: 1, ban_id: accounts[0]?.id ?? null, notes: '' },
      validate: { product_code: (v) => (v ? null : 'Choose what to order.') },
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
    <Modal opened={opened} onClose={onClose} title="Place an order" size="lg">
      <form
        noValidate
        onSubmit={form.submit((v) =>
          place.run({ product_code: v.product_code as NewOwnOrder['product_code'], quantity: v.quantity, ...(v.ban_id ? { ban_id: v.ban_id } : {}), ...(v.notes.trim() ? { notes: v.notes.trim() } : {}) }),
        )}
      >
        <Stack>
          <Select label="Product" placeholder="Choose a product" withAsterisk data={ORDERABLE_PRODUCTS.map((p) => ({ value: p.code, label: p.name }))} {...form.getInputProps('product_code')} data-testid="new-order-product" />
          <NumberInput label="Quantity" min={1} max={100} allowDecimal={false} {...form.getInputProps('quantity')} />
          {accounts.length > 0 && <Select label="Billing account" description="The account the order is for and billed to." allowDeselect={false} data={accounts.map((a) => ({ value: a.id, label: a.label }))} {...form.getInputProps('ban_id')} />}
          <Textarea label="Notes" description="Anything the provider should know (optional)." autosize minRows={2} maxLength={2000} {...form.getInputProps('notes')} />
          <Text size="xs" c="dimmed">
            When your provider takes orders in its own system, the order goes there first and shows as waiting until they confirm it.
          </Text>
          <ErrorAlert error={place.error} labels={{ ban_id: 'Billing account', product_code: 'Product' }} />
          <FormActions onCancel={onClose} busy={place.busy} submitLabel="Place order" />
        </Stack>
      </form>
    </Modal>
  );
}

export function CancelOrderButton({ tenantId, order }: { tenantId: string; order: Pick<OwnOrder, 'id' | 'quantity' | 'product_name'> }) {
  const [asking, setAsking] = useState(false);
  const cancel = useApiMutation(() => selfRecordsApi.cancelOrder(tenantId, order.id), { success: (o) => doneWords(o, 'cancelled'), onDone: () => setAsking(false), invalidates: [selfKeys.all(tenantId)] });
  const name = `${order.quantity} × ${order.product_name}`;
  return (
    <>
      <Button size="compact-sm" variant="light" color="red" onClick={() => setAsking(true)} aria-label={`Cancel the order ${name}`}>
        Cancel
      </Button>
      <Modal opened={asking} onClose={() => setAsking(false)} title="Cancel this order?">
        <Stack>
          <Text size="sm">{name} will not be delivered. When your provider takes orders in its own system, the cancellation goes there and shows as waiting until they confirm it.</Text>
          <ErrorAlert error={cancel.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)}>
              Keep the order
            </Button>
            <Button color="red" onClick={() => void cancel.run()} loading={cancel.busy}>
              Cancel the order
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
