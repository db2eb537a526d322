/** The operator's agreements tab: a partner's versions, approving a signed one, drafting a new one. */
import { useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconCheck, IconInfoCircle, IconPlus } from '@tabler/icons-react';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { common } from '../../i18n/common-messages.ts';
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

const msg = defineMessages({
  approvedNow: { id: 'program.operator.agreements.approved_now', defaultMessage: 'Version {version} approved: it is now in force.' },
  approvedLater: { id: 'program.operator.agreements.approved_later', defaultMessage: 'Version {version} approved: it comes into force on {date}.' },
  waitingTitle: { id: 'program.operator.agreements.waiting_title', defaultMessage: 'Signed agreements wait for your approval' },
  drafted: { id: 'program.operator.agreements.drafted', defaultMessage: 'Version {version} drafted. {partner}’s owner can now sign it.' },
  defaultTitle: { id: 'program.operator.agreements.default_title', defaultMessage: 'Referral partner agreement' },
  titleRequired: { id: 'program.operator.agreements.title_required', defaultMessage: 'Give the agreement a title.' },
  termsRequired: { id: 'program.operator.agreements.terms_required', defaultMessage: 'Write the terms the partner signs.' },
  percentOrBounty: { id: 'program.operator.agreements.percent_or_bounty', defaultMessage: 'Set a percentage, a bounty, or both.' },
  bountyInvalid: { id: 'program.operator.agreements.bounty_invalid', defaultMessage: 'Enter an amount like 50 or 49.90.' },
  monthsInvalid: { id: 'program.operator.agreements.months_invalid', defaultMessage: 'At least one month.' },
  thresholdInvalid: { id: 'program.operator.agreements.threshold_invalid', defaultMessage: 'Enter an amount like 100 or 0.' },
  dateInvalid: { id: 'program.operator.agreements.date_invalid', defaultMessage: 'Enter a date like 2026-01-31.' },
  dialogTitle: { id: 'program.operator.agreements.dialog_title', defaultMessage: 'New agreement version for {partner}' },
  title: { id: 'program.operator.agreements.field.title', defaultMessage: 'Title' },
  terms: { id: 'program.operator.agreements.field.terms', defaultMessage: 'Terms' },
  termsDescription: { id: 'program.operator.agreements.field.terms.description', defaultMessage: 'What the partner signs. Headings start with #, list items with -.' },
  percent: { id: 'program.operator.agreements.field.percent', defaultMessage: 'Commission (%)' },
  percentDescription: { id: 'program.operator.agreements.field.percent.description', defaultMessage: 'Of each referred customer’s paid revenue.' },
  months: { id: 'program.operator.agreements.field.months', defaultMessage: 'For how many months' },
  monthsDescription: { id: 'program.operator.agreements.field.months.description', defaultMessage: 'After the customer signs up.' },
  bounty: { id: 'program.operator.agreements.field.bounty', defaultMessage: 'Bounty per sign-up ({currency})' },
  bountyDescription: { id: 'program.operator.agreements.field.bounty.description', defaultMessage: 'Optional, a fixed amount per qualified sign-up.' },
  threshold: { id: 'program.operator.agreements.field.threshold', defaultMessage: 'Payout threshold ({currency})' },
  thresholdDescription: { id: 'program.operator.agreements.field.threshold.description', defaultMessage: 'Paid out once earnings reach this.' },
  currency: { id: 'program.operator.agreements.field.currency', defaultMessage: 'Currency' },
  effective: { id: 'program.operator.agreements.field.effective', defaultMessage: 'Takes effect on' },
  failed: { id: 'program.operator.agreements.failed', defaultMessage: 'The agreement was not drafted' },
  labelCommission: { id: 'program.operator.agreements.label.commission', defaultMessage: 'Commission' },
  labelBounty: { id: 'program.operator.agreements.label.bounty', defaultMessage: 'Bounty' },
  labelMonths: { id: 'program.operator.agreements.label.months', defaultMessage: 'Months' },
  labelThreshold: { id: 'program.operator.agreements.label.threshold', defaultMessage: 'Payout threshold' },
  submit: { id: 'program.operator.agreements.submit', defaultMessage: 'Draft agreement' },
});

// ---- agreements ----------------------------------------------------------------------------------

export function AgreementsTab(props: TabProps & { rows: ProgramPartnerRow[] }) {
  const intl = useIntl();
  const { partnerId, rows } = props;
  const waitingApproval = rows.filter((r) => r.waiting === 'approve');
  const list = useApiQuery(programKeys.op.agreements(partnerId), () => programApi.partnerAgreements(partnerId!), { enabled: !!partnerId });
  const [drafting, setDrafting] = useState(false);
  const approve = useApiMutation((a: Agreement) => programApi.approveAgreement(a.id), {
    // in force from its start day, not before (format.ts inForce)
    success: (a) =>
      inForce(a.effective_date, null)
        ? intl.formatMessage(msg.approvedNow, { version: a.version })
        : intl.formatMessage(msg.approvedLater, { version: a.version, date: formatDay(a.effective_date) }),
    notifyError: true,
    invalidates: [programKeys.all],
  });
  const partnerName = rows.find((r) => r.partner.id === partnerId)?.partner.name ?? '';
  const items = [...(list.data?.items ?? [])].sort((a, b) => b.version - a.version);
  return (
    <Stack gap="md">
      {waitingApproval.length > 0 && (
        <Alert color="red" variant="light" icon={<IconInfoCircle size={18} />} title={intl.formatMessage(msg.waitingTitle)} data-testid="approvals-waiting">
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
            <FormattedMessage id="program.operator.agreements.draft_new" defaultMessage="Draft a new version" />
          </Button>
        )}
      </Group>
      <ErrorAlert error={list.error} />
      {!partnerId ? (
        <Text c="dimmed" size="sm">
          <FormattedMessage id="program.operator.agreements.choose_partner" defaultMessage="Choose a partner to see its agreements." />
        </Text>
      ) : list.loading ? (
        <Text c="dimmed" size="sm">
          {intl.formatMessage(common.loading)}
        </Text>
      ) : items.length === 0 ? (
        <Text c="dimmed" size="sm">
          <FormattedMessage
            id="program.operator.agreements.none"
            defaultMessage="{partner} has no agreement yet. Draft the first version; the partner’s owner signs it, then you approve it."
            values={{ partner: partnerName }}
          />
        </Text>
      ) : (
        items.map((a) => (
          <AgreementView key={a.id} a={a}>
            {a.status === 'signed' && (
              <Group justify="flex-end">
                <Button leftSection={<IconCheck size={16} />} loading={approve.busy} onClick={() => void approve.run(a)}>
                  <FormattedMessage id="program.operator.agreements.approve" defaultMessage="Approve version {version}" values={{ version: a.version }} />
                </Button>
              </Group>
            )}
            {a.status === 'draft' && (
              <Text size="sm" c="dimmed">
                <FormattedMessage
                  id="program.operator.agreements.waiting_signature"
                  defaultMessage="Waiting for {partner}’s owner to sign. You can approve it once it is signed."
                  values={{ partner: partnerName }}
                />
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
  const intl = useIntl();
  const draft = useApiMutation((b: Parameters<typeof programApi.draftAgreement>[1]) => programApi.draftAgreement(partnerId, b), {
    success: (a) => intl.formatMessage(msg.drafted, { version: a.version, partner: partnerName }),
    onDone: onClose,
    invalidates: [programKeys.all],
  });
  const today = new Date().toISOString().slice(0, 10);
  const form = useApiForm<DraftValues>(
    {
      initialValues: { title: intl.formatMessage(msg.defaultTitle), terms_markdown: '', percent: 10, bounty: '', months: 12, threshold: '100', currency: 'EUR', effective_date: today },
      validate: {
        title: (v) => required(v, intl.formatMessage(msg.titleRequired)),
        terms_markdown: (v) => required(v, intl.formatMessage(msg.termsRequired)),
        percent: (v, all) => (v === '' && !all.bounty.trim() ? intl.formatMessage(msg.percentOrBounty) : undefined),
        bounty: (v, all) => (v.trim() && toMinor(v, all.currency) === null ? intl.formatMessage(msg.bountyInvalid) : undefined),
        months: (v) => (v === '' || Number(v) < 1 ? intl.formatMessage(msg.monthsInvalid) : undefined),
        threshold: (v, all) => (toMinor(v, all.currency) === null ? intl.formatMessage(msg.thresholdInvalid) : undefined),
        effective_date: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? undefined : intl.formatMessage(msg.dateInvalid)),
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
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(msg.dialogTitle, { partner: partnerName })} size="lg">
      <form noValidate onSubmit={form.submit(submit)}>
        <Stack>
          <TextInput label={intl.formatMessage(msg.title)} withAsterisk {...form.getInputProps('title')} />
          <Textarea
            label={intl.formatMessage(msg.terms)}
            description={intl.formatMessage(msg.termsDescription)}
            withAsterisk
            autosize
            minRows={5}
            maxRows={12}
            {...form.getInputProps('terms_markdown')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput label={intl.formatMessage(msg.percent)} description={intl.formatMessage(msg.percentDescription)} min={0} max={100} decimalScale={2} {...form.getInputProps('percent')} />
            <NumberInput label={intl.formatMessage(msg.months)} description={intl.formatMessage(msg.monthsDescription)} min={1} max={120} allowDecimal={false} {...form.getInputProps('months')} />
            <TextInput label={intl.formatMessage(msg.bounty, { currency: form.values.currency })} description={intl.formatMessage(msg.bountyDescription)} {...form.getInputProps('bounty')} />
            <TextInput label={intl.formatMessage(msg.threshold, { currency: form.values.currency })} description={intl.formatMessage(msg.thresholdDescription)} {...form.getInputProps('threshold')} />
            <Select label={intl.formatMessage(msg.currency)} data={['EUR', 'USD', 'GBP']} allowDeselect={false} {...form.getInputProps('currency')} />
            <TextInput label={intl.formatMessage(msg.effective)} type="date" withAsterisk {...form.getInputProps('effective_date')} />
          </SimpleGrid>
          <ErrorAlert
            error={draft.error}
            title={intl.formatMessage(msg.failed)}
            labels={{
              title: intl.formatMessage(msg.title),
              terms_markdown: intl.formatMessage(msg.terms),
              effective_date: intl.formatMessage(msg.effective),
              'commission.percent_bps': intl.formatMessage(msg.labelCommission),
              'commission.bounty_minor': intl.formatMessage(msg.labelBounty),
              'commission.months': intl.formatMessage(msg.labelMonths),
              'commission.payout_threshold_minor': intl.formatMessage(msg.labelThreshold),
            }}
          />
          <FormActions onCancel={onClose} busy={draft.busy} submitLabel={intl.formatMessage(msg.submit)} />
        </Stack>
      </form>
    </Modal>
  );
}
