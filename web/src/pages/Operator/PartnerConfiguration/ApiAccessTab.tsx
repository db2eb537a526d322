/**
 * Operator: a partner's API access policy — which kinds of routes its apps and people
 * may call, and the addresses they may call from. Refused requests are told why.
 */
import { useState } from 'react';
import { Button, Checkbox, Group, Paper, Radio, Skeleton, Stack, Text, Textarea } from '@mantine/core';
import { partnerLimitsApi, type ApiSection } from '../../../api/partnerLimits.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useApiMutation } from '../../../query/query.ts';
import { partnerKeys } from '../../../api/keys/partners.ts';
import { usePartnerConfiguration } from './usePartnerConfiguration.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages, type Message } from '../../../i18n/define.ts';

/** the route classes every gateway has, in words; classes of the operator's own routes show by name */
const KNOWN: Record<string, Message> = defineMessages({
  read: { id: 'operator.partner_config.api.class.read', defaultMessage: 'Reading data' },
  write: { id: 'operator.partner_config.api.class.write', defaultMessage: 'Changing data' },
});

const m = defineMessages({
  saved: { id: 'operator.partner_config.api.saved', defaultMessage: 'Access policy saved. It applies from the next request.' },
  chooseOne: { id: 'operator.partner_config.api.choose_one', defaultMessage: 'Choose at least one kind of route, or allow every kind.' },
  title: { id: 'operator.partner_config.api.title', defaultMessage: 'What this partner may call' },
  text: { id: 'operator.partner_config.api.text', defaultMessage: 'Requests outside this policy are refused, and the caller is told why.' },
  kinds: { id: 'operator.partner_config.api.kinds', defaultMessage: 'Kinds of routes' },
  every: { id: 'operator.partner_config.api.kinds.all', defaultMessage: 'Every kind of route' },
  some: { id: 'operator.partner_config.api.kinds.some', defaultMessage: 'Only the kinds chosen below' },
  addresses: { id: 'operator.partner_config.api.addresses', defaultMessage: 'Addresses its apps and people may call from' },
  addressesDescription: {
    id: 'operator.partner_config.api.addresses.description',
    defaultMessage: 'One address (203.0.113.7) or network (203.0.113.0/24) per line. Leave empty to allow any address.',
  },
  failed: { id: 'operator.partner_config.api.failed', defaultMessage: 'The access policy was not saved' },
  save: { id: 'operator.partner_config.api.save', defaultMessage: 'Save access policy' },
  reset: { id: 'operator.partner_config.api.reset', defaultMessage: 'Allow everything again' },
});

export function ApiAccessTab({ partnerId }: { partnerId: string }) {
  const config = usePartnerConfiguration(partnerId);
  if (config.error) return <ErrorAlert error={config.error} />;
  if (config.loading || !config.data) return <Skeleton h={260} />;
  return <ApiForm partnerId={partnerId} api={config.data.config.api ?? null} version={config.data.version} />;
}

function ApiForm({ partnerId, api, version }: { partnerId: string; api: ApiSection | null; version: number }) {
  const intl = useIntl();
  const save = useApiMutation((value: ApiSection | null) => partnerLimitsApi.setSection(partnerId, 'api', value, version), {
    success: intl.formatMessage(m.saved),
    invalidates: [partnerKeys.configuration(partnerId)],
  });
  const [scope, setScope] = useState<'all' | 'some'>(api?.route_classes ? 'some' : 'all');
  const classes = [...new Set([...Object.keys(KNOWN), ...(api?.route_classes ?? [])])];
  const [allowed, setAllowed] = useState<string[]>(api?.route_classes ?? Object.keys(KNOWN));
  const [ips, setIps] = useState((api?.ip_allow ?? []).join('\n'));
  const [localError, setLocalError] = useState<string | null>(null);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (scope === 'some' && allowed.length === 0) {
      setLocalError(intl.formatMessage(m.chooseOne));
      return;
    }
    setLocalError(null);
    const list = ips
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const value: ApiSection = {};
    if (scope === 'some') value.route_classes = allowed;
    if (list.length > 0) value.ip_allow = list;
    void save.run(Object.keys(value).length > 0 ? value : null);
  };

  return (
    <Paper withBorder radius="md" p="md">
      <form noValidate onSubmit={submit}>
        <Stack gap="md" maw={640}>
          <div>
            <Text fw={600}>
              <FormattedMessage {...m.title} />
            </Text>
            <Text size="sm" c="dimmed">
              <FormattedMessage {...m.text} />
            </Text>
          </div>
          <Radio.Group value={scope} onChange={(v) => setScope(v as 'all' | 'some')} label={intl.formatMessage(m.kinds)}>
            <Stack gap={6} mt={6}>
              <Radio value="all" label={intl.formatMessage(m.every)} />
              <Radio value="some" label={intl.formatMessage(m.some)} />
            </Stack>
          </Radio.Group>
          {scope === 'some' && (
            <Checkbox.Group value={allowed} onChange={setAllowed} error={localError ?? undefined}>
              <Stack gap={6}>
                {classes.map((c) => (
                  <Checkbox key={c} value={c} label={KNOWN[c] ? intl.formatMessage(KNOWN[c]) : c} />
                ))}
              </Stack>
            </Checkbox.Group>
          )}
          <Textarea
            label={intl.formatMessage(m.addresses)}
            description={intl.formatMessage(m.addressesDescription)}
            autosize
            minRows={3}
            value={ips}
            onChange={(e) => setIps(e.currentTarget.value)}
            styles={{ input: { fontFamily: 'monospace' } }}
          />
          <ErrorAlert error={save.error} title={intl.formatMessage(m.failed)} />
          <Group>
            <Button type="submit" loading={save.busy}>
              <FormattedMessage {...m.save} />
            </Button>
            {api && (
              <Button variant="default" onClick={() => void save.run(null)} disabled={save.busy}>
                <FormattedMessage {...m.reset} />
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
