/** The operator's agreements tab: a partner's versions, approving a signed one, drafting a new one. */
import { useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconCheck, IconInfoCircle, IconPlus } from '@tabler/icons-react';
import { programApi, type Agreement, type ProgramPartnerRow } from '../../api/program.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { FormActions } from '../../components/FormActions.tsx';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { AgreementView } from './AgreementView.tsx';
import { formatDay, toMinor } from './programFormat.ts';
import { inForce } from '../../components/format.ts';
import { PartnerPicker, type TabProps } from './ProgramPartnerPicker.tsx';
import { programKeys } from '../../api/keys/program.ts';

// ---- agreements ----------------------------------------------------------------------------------

export function AgreementsTab(props: TabProps & { rows: ProgramPartnerRow[] }) {
  const { partnerId, rows } = props;
  const waitingApproval = rows.filter((r) => r.waiting === 'approve');
  const list = useApiQuery(programKeys.op.agreements(partnerId), () => programApi.partnerAgreements(partnerId!), { enabled: !!partnerId });
  const [drafting, setDrafting] = useState(false);
  const approve = useApiMutation((a: Agreement) => programApi.approveAgreement(a.id), {
    // in force from its start day, not before (format.ts inForce)
    success: (a) => (inForce(a.effective_date, null) ? `Version ${a.version} approved: it is now in force.` : `Version ${a.version} approved: it comes into force on ${formatDay(a.effective_date)}.`),
    notifyError: true,
    invalidates: [programKeys.all],
  });
  const partnerName = rows.find((r) => r.partner.id === partnerId)?.partner.name ?? '';
  const items = [...(list.data?.items ?? [])].sort((a, b) => b.version - a.version);
  return (
    <Stack gap="md">
      {waitingApproval.length > 0 && (
        <Alert color="red" variant="light" icon={<IconInfoCircle size={18} />} title="Signed agreements wait for your approval" data-testid="approvals-waiting">
          <Group gap="xs">
            {waitingApproval.map((r) => (
              <Button key={r.partner.id} size="xs" variant="light" color="red" onClick={() => props.setPartnerId(r.partner.id)}>
                {r.partner.name}
              </Button>
            ))}
          </Group>
        </Alert>
      )}
      <Group align="flex-end" justify="space-between" wrap="wrap">
        <PartnerPicker {...props} />
        {partnerId && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setDrafting(true)}>
            Draft a new version
          </Button>
        )}
      </Group>
      <ErrorAlert error={list.error} />
      {!partnerId ? (
        <Text c="dimmed" size="sm">
          Choose a partner to see its agreements.
        </Text>
      ) : list.loading ? (
        <Text c="dimmed" size="sm">
          Loading…
        </Text>
      ) : items.length === 0 ? (
        <Text c="dimmed" size="sm">
          {partnerName} has no agreement yet. Draft the first version; the partner’s owner signs it, then you approve it.
        </Text>
      ) : (
        items.map((a) => (
          <AgreementView key={a.id} a={a}>
            {a.status === 'signed' && (
              <Group justify="flex-end">
                <Button leftSection={<IconCheck size={16} />} loading={approve.busy} onClick={() => void approve.run(a)}>
                  Approve version {a.version}
                </Button>
              </Group>
            )}
            {a.status === 'draft' && (
              <Text size="sm" c="dimmed">
                Waiting for {partnerName}’s owner to sign. You can approve it once it is signed.
              </Text>
            )}
          </AgreementView>
        ))
      )}
      {partnerId && <DraftDialog partnerId={partnerId} partnerName={partnerName} opened={drafting} onClose={() => setDrafting(false)} />}
    </Stack>
  );
}

interface DraftValues {
  title: string;
  terms_markdown: string;
  percent: number | string;
  bounty: string;
  months: number | string;
  threshold: string;
  currency: string;
  effective_date: string;
}

function DraftDialog({ partnerId, partnerName, opened, onClose }: { partnerId: string; partnerName: string; opened: boolean; onClose: () => void }) {
  const draft = useApiMutation((b: Parameters<typeof programApi.draftAgreement>[1]) => programApi.draftAgreement(partnerId, b), {
    success: (a) => `Version ${a.version} drafted. ${partnerName}’s owner can now sign it.`,
    onDone: onClose,
    invalidates: [programKeys.all],
  });
  const today = new Date().toISOString().slice(0, 10);
  const form = useApiForm<DraftValues>(
    {
      initialValues: { title: 'Referral partner agreement', terms_markdown: '', percent: 10, bounty: '', months: 12, threshold: '100', currency: 'EUR', effective_date: today },
      validate: {
        title: (v) => required(v, 'Give the agreement a title.'),
        terms_markdown: (v) => required(v, 'Write the terms the partner signs.'),
        percent: (v, all) => (v === '' && !all.bounty.trim() ? 'Set a percentage, a bounty, or both.' : undefined),
        bounty: (v, all) => (v.trim() && toMinor(v, all.currency) === null ? 'Enter an amount like 50 or 49.90.' : undefined),
        months: (v) => (v === '' || Number(v) < 1 ? 'At least one month.' : undefined),
        threshold: (v, all) => (toMinor(v, all.currency) === null ? 'Enter an amount like 100 or 0.' : undefined),
        effective_date: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? undefined : 'Enter a date like 2026-01-31.'),
      },
    },
    draft,
    { resetWhen: opened },
  );
  const submit = (v: DraftValues) =>
    draft.run({
      title: v.title.trim(),
      terms_markdown: v.terms_markdown,
      effective_date: v.effective_date,
      commission: {
        percent_bps: v.percent === '' ? null : Math.round(Number(v.percent) * 100),
        bounty_minor: v.bounty.trim() ? toMinor(v.bounty, v.currency) : null,
        months: Number(v.months),
        payout_threshold_minor: toMinor(v.threshold, v.currency) ?? 0,
        currency: v.currency,
      },
    });
  return (
    <Modal opened={opened} onClose={onClose} title={`New agreement version for ${partnerName}`} size="lg">
      <form noValidate onSubmit={form.submit(submit)}>
        <Stack>
          <TextInput label="Title" withAsterisk {...form.getInputProps('title')} />
          <Textarea
            label="Terms"
            description="What the partner signs. Headings start with #, list items with -."
            withAsterisk
            autosize
            minRows={5}
            maxRows={12}
            {...form.getInputProps('terms_markdown')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput label="Commission (%)" description="Of each referred customer’s paid revenue." min={0} max={100} decimalScale={2} {...form.getInputProps('percent')} />
            <NumberInput label="For how many months" description="After the customer signs up." min={1} max={120} allowDecimal={false} {...form.getInputProps('months')} />
            <TextInput label={`Bounty per sign-up (${form.values.currency})`} description="Optional, a fixed amount per qualified sign-up." {...form.getInputProps('bounty')} />
            <TextInput label={`Payout threshold (${form.values.currency})`} description="Paid out once earnings reach this." {...form.getInputProps('threshold')} />
            <Select label="Currency" data={['EUR', 'USD', 'GBP']} allowDeselect={false} {...form.getInputProps('currency')} />
            <TextInput label="Takes effect on" type="date" withAsterisk {...form.getInputProps('effective_date')} />
          </SimpleGrid>
          <ErrorAlert
            error={draft.error}
            title="The agreement was not drafted"
            labels={{ title: 'Title', terms_markdown: 'Terms', effective_date: 'Takes effect on', 'commission.percent_bps': 'Commission', 'commission.bounty_minor': 'Bounty', 'commission.months': 'Months', 'commission.payout_threshold_minor': 'Payout threshold' }}
          />
          <FormActions onCancel={onClose} busy={draft.busy} submitLabel="Draft agreement" />
        </Stack>
      </form>
    </Modal>
  );
}
