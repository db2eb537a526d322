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
const options = (list: readonly (readonly [string, string])[]) => list.map(([value, label]) => ({ value, label }));
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
          <Select label="A partner app's access lasts at most" data={options(ACCESS)} value={access} onChange={(v) => setAccess(v ?? '')} allowDeselect={false} miw={220} />
          <Select label="It can renew it without asking again for at most" data={options(REFRESH)} value={refresh} onChange={(v) => setRefresh(v ?? '')} allowDeselect={false} miw={220} />
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
