/**
 * Operator: a partner's session policy — how long its people stay signed in without
 * activity, at most after signing in, and how many sessions one person may have open. Only
 * stricter than the platform's own; an empty field keeps the platform's.
 */
import { Alert, Button, Group, NumberInput, Paper, Skeleton, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { partnerLimitsApi, type SessionSection } from '../../../api/partnerLimits.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useApiMutation } from '../../../query/query.ts';
import { useApiForm } from '../../../query/form.ts';
import { partnerKeys } from '../../../api/keys/partners.ts';
import { usePartnerConfiguration } from './usePartnerConfiguration.ts';

interface Values {
  idle: number | string;
  absoluteHours: number | string;
  maxSessions: number | string;
}

const num = (v: number | string): number | undefined => (v === '' || v === undefined ? undefined : Number(v));

export function SessionPolicyTab({ partnerId }: { partnerId: string }) {
  const config = usePartnerConfiguration(partnerId);
  if (config.loading || !config.data) return config.error ? <ErrorAlert error={config.error} /> : <Skeleton h={240} />;
  return <SessionForm partnerId={partnerId} session={config.data.config.session ?? null} version={config.data.version} />;
}

function SessionForm({ partnerId, session, version }: { partnerId: string; session: SessionSection | null; version: number }) {
  const save = useApiMutation((value: SessionSection | null) => partnerLimitsApi.setSection(partnerId, 'session', value, version), { success: 'Session policy saved. It applies from the next request.', invalidates: [partnerKeys.configuration(partnerId)] });
  const form = useApiForm<Values>(
    {
      initialValues: {
        idle: session?.idle_minutes ?? '',
        absoluteHours: session?.absolute_minutes !== undefined ? session.absolute_minutes / 60 : '',
        maxSessions: session?.max_sessions ?? '',
      },
    },
    save,
  );
  const send = (v: Values) => {
    const value: SessionSection = {};
    const idle = num(v.idle);
    const hours = num(v.absoluteHours);
    const max = num(v.maxSessions);
    if (idle !== undefined) value.idle_minutes = idle;
    if (hours !== undefined) value.absolute_minutes = Math.round(hours * 60);
    if (max !== undefined) value.max_sessions = max;
    return save.run(Object.keys(value).length > 0 ? value : null);
  };
  return (
    <Paper withBorder radius="md" p="md">
      <form noValidate onSubmit={form.submit(send)}>
        <Stack gap="md" maw={560}>
          <div>
            <Text fw={600}>Sessions of this partner&apos;s people</Text>
            <Text size="sm" c="dimmed">
              These settings can only be stricter than the platform&apos;s. Leave a field empty to keep the platform&apos;s setting.
            </Text>
          </div>
          <NumberInput label="Sign people out after this many minutes without activity" min={1} allowDecimal={false} placeholder="The platform's setting" {...form.getInputProps('idle')} />
          <NumberInput label="Sign people out this many hours after they signed in, however active" min={0.1} decimalScale={2} placeholder="The platform's setting" {...form.getInputProps('absoluteHours')} />
          <NumberInput label="Sessions one person may have open at once" min={1} max={1000} allowDecimal={false} placeholder="No limit" {...form.getInputProps('maxSessions')} />
          <Alert variant="light" icon={<IconInfoCircle size={16} />}>
            When someone signs in while already at the limit, their oldest session ends and the event is recorded in the audit log.
          </Alert>
          <ErrorAlert error={save.error} title="The session policy was not saved" />
          <Group>
            <Button type="submit" loading={save.busy}>
              Save session policy
            </Button>
            {session && (
              <Button variant="default" onClick={() => void save.run(null)} disabled={save.busy}>
                Use the platform&apos;s settings
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
