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

export function OperatorMfaPolicyPage() {
  const policy = useApiQuery(securityKeys.operatorPolicy, () => security.operatorPolicy());
  const partners = useApiQuery(partnerKeys.list({ status: 'active', limit: 200 }), () => api.partners.list({ status: 'active', limit: 200 }));
  const [pick, setPick] = useState<string | null>(null);
  const platform = useApiMutation((required: boolean) => security.setPlatformPolicy(required), {
    success: (r) => (r.platform_required ? 'Every partner person now needs two-step verification.' : 'Two-step verification is no longer required platform-wide.'),
    onDone: (r) => policy.setData(r),
  });
  const partner = useApiMutation((id: string, required: boolean) => security.setPartnerPolicy(id, required), {
    success: (r) => `Saved: ${r.partners.length} partner${r.partners.length === 1 ? '' : 's'} with their own requirement. It applies from their people's next request.`,
    onDone: (r) => { policy.setData(r); setPick(null); },
    notifyError: true,
  });
  const p = policy.data;
  const required = new Set(p?.partners.map((x) => x.partner_id) ?? []);
  const options = (partners.data?.data ?? []).filter((x) => !required.has(x.id)).map((x) => ({ value: x.id, label: x.name }));
  return (
    <>
      <PageHeader title="Sign-in security" description="Require partner people to sign in with a second factor (an authenticator app or a passkey) before they act on customers' data. Changes apply from their next request." />
      <Stack gap="lg" maw={960}>
        <ErrorAlert error={policy.error} />
        <Paper withBorder p="lg" radius="md" data-testid="platform-mfa-policy">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Stack gap={2}>
              <Title order={4}>Every partner</Title>
              <Text size="sm" c="dimmed">
                All people of all partners must use two-step verification to act on customers.
              </Text>
            </Stack>
            <Switch aria-label="Require two-step verification of every partner" size="md" checked={p?.platform_required ?? false} disabled={!p || platform.busy} onChange={(e) => void platform.run(e.currentTarget.checked)} />
          </Group>
          <ErrorAlert error={platform.error} />
        </Paper>
        <Paper withBorder p="lg" radius="md" data-testid="partner-mfa-policies">
          <Stack>
            <Title order={4}>Particular partners</Title>
            <Text size="sm" c="dimmed">
              Require it of one partner's people only. {p && p.tenants_requiring > 0 ? `Also, ${p.tenants_requiring} customer${p.tenants_requiring === 1 ? '' : 's'} require it of the partners acting on them.` : ''}
            </Text>
            <Group align="flex-end">
              <Select label="Partner" placeholder="Choose a partner" searchable data={options} value={pick} onChange={setPick} w={300} maw="100%" nothingFoundMessage="No other active partner" />
              <Button disabled={!pick} loading={partner.busy} onClick={() => pick && void partner.run(pick, true)}>
                Require two-step verification
              </Button>
            </Group>
            <DataTable
              testId="partner-mfa-table"
              records={p?.partners ?? []}
              loading={!p && !policy.error}
              rowKey={(x) => x.partner_id}
              rowProps={(x) => ({ 'data-partner': x.name })}
              empty="No partner has its own requirement."
              columns={[
                { key: 'name', title: 'Partner', mobile: 'title', render: (x) => x.name },
                { key: 'since', title: 'Required since', render: (x) => formatDateTime(x.updated_at) },
                {
                  key: 'actions',
                  title: '',
                  label: 'Actions',
                  align: 'right',
                  mobile: 'footer',
                  render: (x) => (
                    <Button size="xs" variant="subtle" color="red" onClick={() => void partner.run(x.partner_id, false)}>
                      Stop requiring
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
