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

const ACCESS = [
  ['', 'No limit of its own'],
  ['120', '2 minutes'],
  ['300', '5 minutes'],
  ['900', '15 minutes'],
  ['3600', '1 hour'],
  ['28800', '8 hours'],
] as const;
const REFRESH = [
  ['', 'No limit of its own'],
  ['3600', '1 hour'],
  ['86400', '1 day'],
  ['604800', '7 days'],
  ['2592000', '30 days'],
] as const;
/**
 * The choices shorter than the platform's default: a longer one would change nothing (the shortest
 * applies), so it is not offered; "no limit of its own" names the default that then applies.
 */
const options = (list: readonly (readonly [string, string])[], defaultSec: number | undefined) =>
  list
    .filter(([value]) => value === '' || !defaultSec || Number(value) < defaultSec)
    .map(([value, label]) => ({ value, label: value === '' && defaultSec ? `The platform's ${words(defaultSec)}` : label }));
/** A lifetime in words, as the server's summary says it: "10 minutes", "30 days". */
function words(sec: number): string {
  const unit = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (sec % 86400 === 0) return unit(sec / 86400, 'day');
  if (sec % 3600 === 0) return unit(sec / 3600, 'hour');
  if (sec % 60 === 0) return unit(sec / 60, 'minute');
  return unit(sec, 'second');
}
const asValue = (n: number | null | undefined) => (n ? String(n) : '');

export function TokenLifetimesCard(props: { queryKey: QueryKey; load: () => Promise<TokenLifetimes>; save: (b: SaveTokenLifetimes) => Promise<TokenLifetimes>; intro: string; testId: string }) {
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
        <Title order={4}>Access by partners expires after …</Title>
        <Text size="sm" c="dimmed">
          {props.intro}
        </Text>
        <Group grow align="flex-start" wrap="wrap">
          <Select label="A partner app's access lasts at most" data={options(ACCESS, policy.data?.default_access_ttl_sec)} value={access} onChange={(v) => setAccess(v ?? '')} allowDeselect={false} miw={220} />
          <Select label="It can renew it without asking again for at most" data={options(REFRESH, policy.data?.default_refresh_ttl_sec)} value={refresh} onChange={(v) => setRefresh(v ?? '')} allowDeselect={false} miw={220} />
        </Group>
        {policy.data && <Text size="sm" data-testid={`${props.testId}-summary`}>{policy.data.summary}</Text>}
        <ErrorAlert error={policy.error ?? save.error} />
        <Group>
          <Button onClick={() => void save.run()} loading={save.busy} disabled={!policy.data}>
            Save
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
