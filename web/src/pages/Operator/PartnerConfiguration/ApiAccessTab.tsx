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

/** the route classes every gateway has, in words; classes of the operator's own routes show by name */
const KNOWN: Record<string, string> = { read: 'Reading data', write: 'Changing data' };

export function ApiAccessTab({ partnerId }: { partnerId: string }) {
  const config = usePartnerConfiguration(partnerId);
  if (config.error) return <ErrorAlert error={config.error} />;
  if (config.loading || !config.data) return <Skeleton h={260} />;
  return <ApiForm partnerId={partnerId} api={config.data.config.api ?? null} version={config.data.version} />;
}

function ApiForm({ partnerId, api, version }: { partnerId: string; api: ApiSection | null; version: number }) {
  const save = useApiMutation((value: ApiSection | null) => partnerLimitsApi.setSection(partnerId, 'api', value, version), { success: 'Access policy saved. It applies from the next request.', invalidates: [partnerKeys.configuration(partnerId)] });
  const [scope, setScope] = useState<'all' | 'some'>(api?.route_classes ? 'some' : 'all');
  const classes = [...new Set([...Object.keys(KNOWN), ...(api?.route_classes ?? [])])];
  const [allowed, setAllowed] = useState<string[]>(api?.route_classes ?? Object.keys(KNOWN));
  const [ips, setIps] = useState((api?.ip_allow ?? []).join('\n'));
  const [localError, setLocalError] = useState<string | null>(null);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (scope === 'some' && allowed.length === 0) {
      setLocalError('Choose at least one kind of route, or allow every kind.');
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
            <Text fw={600}>What this partner may call</Text>
            <Text size="sm" c="dimmed">
              Requests outside this policy are refused, and the caller is told why.
            </Text>
          </div>
          <Radio.Group value={scope} onChange={(v) => setScope(v as 'all' | 'some')} label="Kinds of routes">
            <Stack gap={6} mt={6}>
              <Radio value="all" label="Every kind of route" />
              <Radio value="some" label="Only the kinds chosen below" />
            </Stack>
          </Radio.Group>
          {scope === 'some' && (
            <Checkbox.Group value={allowed} onChange={setAllowed} error={localError ?? undefined}>
              <Stack gap={6}>
                {classes.map((c) => (
                  <Checkbox key={c} value={c} label={KNOWN[c] ?? c} />
                ))}
              </Stack>
            </Checkbox.Group>
          )}
          <Textarea
            label="Addresses its apps and people may call from"
            description="One address (203.0.113.7) or network (203.0.113.0/24) per line. Leave empty to allow any address."
            autosize
            minRows={3}
            value={ips}
            onChange={(e) => setIps(e.currentTarget.value)}
            styles={{ input: { fontFamily: 'monospace' } }}
          />
          <ErrorAlert error={save.error} title="The access policy was not saved" />
          <Group>
            <Button type="submit" loading={save.busy}>
              Save access policy
            </Button>
            {api && (
              <Button variant="default" onClick={() => void save.run(null)} disabled={save.busy}>
                Allow everything again
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
