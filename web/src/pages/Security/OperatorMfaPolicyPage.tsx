/** Operator: who must use two-step verification — every partner's people, or one partner's. */
import { useState } from 'react';
import { Button, Group, Paper, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { api } from '../../api/index.ts';
import { security } from '../../api/security.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { partnerKeys } from '../../api/keys/partners.ts';
import { securityKeys } from '../../api/keys/security.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  platformOn: { id: 'security.operator_policy.platform_on', defaultMessage: 'Every partner person now needs two-step verification.' },
  platformOff: { id: 'security.operator_policy.platform_off', defaultMessage: 'Two-step verification is no longer required platform-wide.' },
  partnerSaved: {
    id: 'security.operator_policy.partner_saved',
    defaultMessage:
      "Saved: {count, plural, one {# partner} other {# partners}} with their own requirement. It applies from their people's next request.",
  },
  title: { id: 'security.operator_policy.title', defaultMessage: 'Sign-in security' },
  description: {
    id: 'security.operator_policy.description',
    defaultMessage:
      "Require partner people to sign in with a second factor (an authenticator app or a passkey) before they act on customers' data. Changes apply from their next request.",
  },
  everyPartner: { id: 'security.operator_policy.every_partner', defaultMessage: 'Every partner' },
  everyPartnerHelp: { id: 'security.operator_policy.every_partner_help', defaultMessage: 'All people of all partners must use two-step verification to act on customers.' },
  everyPartnerLabel: { id: 'security.operator_policy.every_partner_label', defaultMessage: 'Require two-step verification of every partner' },
  particular: { id: 'security.operator_policy.particular', defaultMessage: 'Particular partners' },
  particularHelp: { id: 'security.operator_policy.particular_help', defaultMessage: "Require it of one partner's people only." },
  tenantsRequiring: {
    id: 'security.operator_policy.tenants_requiring',
    defaultMessage: 'Also, {count, plural, one {# customer} other {# customers}} require it of the partners acting on them.',
  },
  partner: { id: 'security.operator_policy.partner', defaultMessage: 'Partner' },
  choosePartner: { id: 'security.operator_policy.choose_partner', defaultMessage: 'Choose a partner' },
  noOther: { id: 'security.operator_policy.no_other', defaultMessage: 'No other active partner' },
  require: { id: 'security.operator_policy.require', defaultMessage: 'Require two-step verification' },
  empty: { id: 'security.operator_policy.empty', defaultMessage: 'No partner has its own requirement.' },
  since: { id: 'security.operator_policy.since', defaultMessage: 'Required since' },
  actions: { id: 'security.operator_policy.actions', defaultMessage: 'Actions' },
  stop: { id: 'security.operator_policy.stop', defaultMessage: 'Stop requiring' },
});

export function OperatorMfaPolicyPage() {
  const intl = useIntl();
  const policy = useApiQuery(securityKeys.operatorPolicy, () => security.operatorPolicy());
  const partners = useApiQuery(partnerKeys.list({ status: 'active', limit: 200 }), () => api.partners.list({ status: 'active', limit: 200 }));
  const [pick, setPick] = useState<string | null>(null);
  const platform = useApiMutation((required: boolean) => security.setPlatformPolicy(required), {
    success: (r) => intl.formatMessage(r.platform_required ? m.platformOn : m.platformOff),
    onDone: (r) => policy.setData(r),
  });
  const partner = useApiMutation((id: string, required: boolean) => security.setPartnerPolicy(id, required), {
    success: (r) => intl.formatMessage(m.partnerSaved, { count: r.partners.length }),
    onDone: (r) => { policy.setData(r); setPick(null); },
    notifyError: true,
  });
  const p = policy.data;
  const required = new Set(p?.partners.map((x) => x.partner_id) ?? []);
  const options = (partners.data?.data ?? []).filter((x) => !required.has(x.id)).map((x) => ({ value: x.id, label: x.name }));
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      <Stack gap="lg" maw={960}>
        <ErrorAlert error={policy.error} />
        <Paper withBorder p="lg" radius="md" data-testid="platform-mfa-policy">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Stack gap={2}>
              <Title order={3} size="h4">
                <FormattedMessage {...m.everyPartner} />
              </Title>
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.everyPartnerHelp} />
              </Text>
            </Stack>
            <Switch aria-label={intl.formatMessage(m.everyPartnerLabel)} size="md" checked={p?.platform_required ?? false} disabled={!p || platform.busy} onChange={(e) => void platform.run(e.currentTarget.checked)} />
          </Group>
          <ErrorAlert error={platform.error} />
        </Paper>
        <Paper withBorder p="lg" radius="md" data-testid="partner-mfa-policies">
          <Stack>
            <Title order={3} size="h4">
              <FormattedMessage {...m.particular} />
            </Title>
            <Text size="sm" c="dimmed">
              <FormattedMessage {...m.particularHelp} /> {p && p.tenants_requiring > 0 ? intl.formatMessage(m.tenantsRequiring, { count: p.tenants_requiring }) : ''}
            </Text>
            <Group align="flex-end">
              <Select
                label={intl.formatMessage(m.partner)}
                placeholder={intl.formatMessage(m.choosePartner)}
                searchable
                data={options}
                value={pick}
                onChange={setPick}
                w={300}
                maw="100%"
                nothingFoundMessage={intl.formatMessage(m.noOther)}
              />
              <Button disabled={!pick} loading={partner.busy} onClick={() => pick && void partner.run(pick, true)}>
                <FormattedMessage {...m.require} />
              </Button>
            </Group>
            <DataTable
              testId="partner-mfa-table"
              records={p?.partners ?? []}
              loading={!p && !policy.error}
              rowKey={(x) => x.partner_id}
              rowProps={(x) => ({ 'data-partner': x.name })}
              empty={intl.formatMessage(m.empty)}
              columns={[
                { key: 'name', title: intl.formatMessage(m.partner), mobile: 'title', render: (x) => x.name },
                { key: 'since', title: intl.formatMessage(m.since), render: (x) => formatDateTime(x.updated_at) },
                {
                  key: 'actions',
                  title: '',
                  label: intl.formatMessage(m.actions),
                  align: 'right',
                  mobile: 'footer',
                  render: (x) => (
                    <Button size="xs" variant="subtle" color="red" onClick={() => void partner.run(x.partner_id, false)}>
                      <FormattedMessage {...m.stop} />
                    </Button>
                  ),
                },
              ]}
            />
          </Stack>
        </Paper>
      </Stack>
    </>
  );
}
