/**
 * Tenant side: "Consent requests" — partner apps that asked this customer for consent out of band
 * (OpenID CIBA), waiting for an administrator: which partner asks, through which app, what it may
 * then do (in sentences), for which purposes, the short text the app shows its own user, and until
 * when the request waits. Approving makes the same connection as the consent screen: the billing
 * accounts shared, the one billed and for how long. Refusing tells the app access_denied.
 */
import { useState } from 'react';
import { Badge, Button, Card, Checkbox, Group, Select, Stack, Text, Title } from '@mantine/core';
import { FormattedMessage, useIntl } from 'react-intl';
import { appsApi, type ConsentRequestDto } from '../../api/apps.ts';
import { api } from '../../api/index.ts';
import { appKeys } from '../../api/keys/apps.ts';
import { tenantKeys } from '../../api/keys/tenants.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../components/format.ts';
import { defineMessages } from '../../i18n/define.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { useView } from '../../session/useView.ts';

const m = defineMessages({
  title: { id: 'consent_requests.title', defaultMessage: 'Consent requests' },
  description: {
    id: 'consent_requests.description',
    defaultMessage: 'Partner apps that asked to act for {tenant} without a browser. Check that the partner and the short text match what you expect, then approve or refuse before the request expires.',
  },
  empty: { id: 'consent_requests.empty', defaultMessage: 'No request is waiting. When a partner app asks for consent, you get a notice and it appears here.' },
  asks: { id: 'consent_requests.asks', defaultMessage: '{partner} asks, through its app {app}' },
  binding: { id: 'consent_requests.binding', defaultMessage: 'The app shows this text to its user: {text}' },
  may: { id: 'consent_requests.may', defaultMessage: 'If you approve, the app may' },
  purposes: { id: 'consent_requests.purposes', defaultMessage: 'For these purposes' },
  expires: { id: 'consent_requests.expires', defaultMessage: 'Waits until {date}' },
  accounts: { id: 'consent_requests.accounts', defaultMessage: 'Billing accounts to share' },
  billTo: { id: 'consent_requests.bill_to', defaultMessage: 'Account billed for what the app orders' },
  duration: { id: 'consent_requests.duration', defaultMessage: 'For how long' },
  days: { id: 'consent_requests.days', defaultMessage: '{days, plural, one {# day} other {# days}}' },
  approve: { id: 'consent_requests.approve', defaultMessage: 'Approve' },
  refuse: { id: 'consent_requests.refuse', defaultMessage: 'Refuse' },
  approved: { id: 'consent_requests.approved', defaultMessage: 'Approved. The app is connected; you find it under Connected partners.' },
  refused: { id: 'consent_requests.refused', defaultMessage: 'Refused. The app is told you did not allow it.' },
});

const DURATIONS = [30, 90, 180, 365];

export function ConsentRequestsPage() {
  const intl = useIntl();
  const t = useView().tenant!;
  const list = useApiQuery(appKeys.consentRequests(t.tenant_id), () => appsApi.consentRequests(t.tenant_id), { staleTime: 0 });
  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description, { tenant: t.name })} />
      <ErrorAlert error={list.error} />
      <Stack gap="md" data-testid="consent-requests">
        {!list.loading && rows.length === 0 ? <Text c="dimmed">{intl.formatMessage(m.empty)}</Text> : null}
        {rows.map((r) => (
          <RequestCard key={r.id} tenantId={t.tenant_id} r={r} onDone={list.reload} />
        ))}
      </Stack>
    </>
  );
}

function RequestCard({ tenantId, r, onDone }: { tenantId: string; r: ConsentRequestDto; onDone: () => void }) {
  const intl = useIntl();
  const accounts = useApiQuery(tenantKeys.billingAccounts(tenantId), () => api.tenants.billingAccounts(tenantId));
  const active = (accounts.data?.data ?? []).filter((b) => b.status === 'active');
  const [chosen, setChosen] = useState<string[]>([]);
  const [billTo, setBillTo] = useState<string | null>(null);
  const [days, setDays] = useState('90');
  const shared = chosen.length > 0 ? chosen : active.slice(0, 1).map((b) => b.id);
  const billed = billTo && shared.includes(billTo) ? billTo : (shared[0] ?? null);
  const approve = useApiMutation(() => appsApi.approveConsentRequest(tenantId, r.id, { ban_ids: shared, bill_to: billed ?? '', duration_days: Number(days) }), { success: intl.formatMessage(m.approved), onDone });
  const refuse = useApiMutation(() => appsApi.denyConsentRequest(tenantId, r.id), { success: intl.formatMessage(m.refused), onDone });
  return (
    <Card withBorder padding="md" data-testid="consent-request" data-app={r.app.name}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {intl.formatMessage(m.asks, { partner: r.partner.name, app: r.app.name })}
        </Title>
        {r.binding_message ? <Text size="sm">{intl.formatMessage(m.binding, { text: r.binding_message })}</Text> : null}
        <div>
          <Text fw={600} size="sm">
            {intl.formatMessage(m.may)}
          </Text>
          {r.permissions.map((p) => (
            <Text key={p.scope} size="sm">
              {p.description}
            </Text>
          ))}
        </div>
        {r.purposes.length > 0 ? (
          <div>
            <Text fw={600} size="sm">
              {intl.formatMessage(m.purposes)}
            </Text>
            <Group gap={4}>
              {r.purposes.map((p) => (
                <Badge key={p.id} variant="light" title={p.description}>
                  {p.name}
                </Badge>
              ))}
            </Group>
          </div>
        ) : null}
        <Text size="xs" c="dimmed">
          {intl.formatMessage(m.expires, { date: formatDateTime(r.expires_at) })}
        </Text>
        <Checkbox.Group label={intl.formatMessage(m.accounts)} value={shared} onChange={setChosen}>
          <Stack gap={4} mt={4}>
            {active.map((b) => (
              <Checkbox key={b.id} value={b.id} label={`${b.account_number} · ${b.name}`} />
            ))}
          </Stack>
        </Checkbox.Group>
        <Select label={intl.formatMessage(m.billTo)} data={active.filter((b) => shared.includes(b.id)).map((b) => ({ value: b.id, label: b.account_number }))} value={billed} onChange={setBillTo} allowDeselect={false} />
        <Select label={intl.formatMessage(m.duration)} data={DURATIONS.map((d) => ({ value: String(d), label: intl.formatMessage(m.days, { days: d }) }))} value={days} onChange={(v) => setDays(v ?? '90')} allowDeselect={false} />
        <ErrorAlert error={approve.error ?? refuse.error} />
        <Group justify="flex-end">
          <Button variant="default" color="red" onClick={() => void refuse.run()} loading={refuse.busy}>
            <FormattedMessage {...m.refuse} />
          </Button>
          <Button onClick={() => void approve.run()} loading={approve.busy} disabled={!billed}>
            <FormattedMessage {...m.approve} />
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
