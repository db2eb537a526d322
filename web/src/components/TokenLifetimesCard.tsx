/**
 * "Access by partners expires after …": how long tokens acting across tenants live at most, as a
 * customer sets it for itself or the operator for one partner. The shortest of the platform's
 * default, the partner's and the customer's applies; the summary says what applies here.
 */
import { useEffect, useState } from 'react';
import { Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import type { QueryKey } from '@tanstack/react-query';
import type { SaveTokenLifetimes, TokenLifetimes } from '../api/securityEvents.ts';
import { useApiMutation, useApiQuery } from '../query/query.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useIntl, type IntlShape } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  noLimit: { id: 'components.token_lifetimes.no_limit', defaultMessage: 'No limit of its own' },
  platforms: { id: 'components.token_lifetimes.platforms', defaultMessage: "The platform's {duration}" },
  duration: {
    id: 'components.token_lifetimes.duration',
    defaultMessage:
      '{unit, select, day {{n, plural, one {# day} other {# days}}} hour {{n, plural, one {# hour} other {# hours}}} minute {{n, plural, one {# minute} other {# minutes}}} other {{n, plural, one {# second} other {# seconds}}}}',
  },
  title: { id: 'components.token_lifetimes.title', defaultMessage: 'Access by partners expires after …' },
  access: { id: 'components.token_lifetimes.access', defaultMessage: "A partner app's access lasts at most" },
  refresh: { id: 'components.token_lifetimes.refresh', defaultMessage: 'It can renew it without asking again for at most' },
  save: { id: 'components.token_lifetimes.save', defaultMessage: 'Save' },
});

/** The lifetimes offered, in seconds ('' = none of its own). */
const ACCESS = ['', '120', '300', '900', '3600', '28800'] as const;
const REFRESH = ['', '3600', '86400', '604800', '2592000'] as const;
/**
 * The choices shorter than the platform's default: a longer one would change nothing (the shortest
 * applies), so it is not offered; "no limit of its own" names the default that then applies.
 */
const options = (intl: IntlShape, list: readonly string[], defaultSec: number | undefined) =>
  list
    .filter((value) => value === '' || !defaultSec || Number(value) < defaultSec)
    .map((value) => ({
      value,
      label:
        value !== ''
          ? words(intl, Number(value))
          : defaultSec
            ? intl.formatMessage(m.platforms, { duration: words(intl, defaultSec) })
            : intl.formatMessage(m.noLimit),
    }));
/** A lifetime in words, as the server's summary says it: "10 minutes", "30 days". */
function words(intl: IntlShape, sec: number): string {
  const unit = (n: number, unit: string) => intl.formatMessage(m.duration, { n, unit });
  if (sec % 86400 === 0) return unit(sec / 86400, 'day');
  if (sec % 3600 === 0) return unit(sec / 3600, 'hour');
  if (sec % 60 === 0) return unit(sec / 60, 'minute');
  return unit(sec, 'second');
}
const asValue = (n: number | null | undefined) => (n ? String(n) : '');

export function TokenLifetimesCard(props: { queryKey: QueryKey; load: () => Promise<TokenLifetimes>; save: (b: SaveTokenLifetimes) => Promise<TokenLifetimes>; intro: string; testId: string }) {
  const intl = useIntl();
  const policy = useApiQuery(props.queryKey, props.load);
  const [access, setAccess] = useState('');
  const [refresh, setRefresh] = useState('');
  useEffect(() => {
    setAccess(asValue(policy.data?.access_ttl_sec));
    setRefresh(asValue(policy.data?.refresh_ttl_sec));
  }, [policy.data]);
  const save = useApiMutation(() => props.save({ access_ttl_sec: access ? Number(access) : null, refresh_ttl_sec: refresh ? Number(refresh) : null }), { success: (r) => r.summary, onDone: (r) => policy.setData(r) });
  return (
    <Paper withBorder p="md" radius="md" data-testid={props.testId}>
      <Stack gap="sm">
        <Title order={3} size="h4">{intl.formatMessage(m.title)}</Title>
        <Text size="sm" c="dimmed">
          {props.intro}
        </Text>
        <Group grow align="flex-start" wrap="wrap">
          <Select label={intl.formatMessage(m.access)} data={options(intl, ACCESS, policy.data?.default_access_ttl_sec)} value={access} onChange={(v) => setAccess(v ?? '')} allowDeselect={false} miw={220} />
          <Select label={intl.formatMessage(m.refresh)} data={options(intl, REFRESH, policy.data?.default_refresh_ttl_sec)} value={refresh} onChange={(v) => setRefresh(v ?? '')} allowDeselect={false} miw={220} />
        </Group>
        {policy.data && <Text size="sm" data-testid={`${props.testId}-summary`}>{policy.data.summary}</Text>}
        <ErrorAlert error={policy.error ?? save.error} />
        <Group>
          <Button onClick={() => void save.run()} loading={save.busy} disabled={!policy.data}>
            {intl.formatMessage(m.save)}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
