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
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../../i18n/define.ts';

const m = defineMessages({
  saved: { id: 'operator.partner_config.session.saved', defaultMessage: 'Session policy saved. It applies from the next request.' },
  title: { id: 'operator.partner_config.session.title', defaultMessage: "Sessions of this partner's people" },
  text: {
    id: 'operator.partner_config.session.text',
    defaultMessage: "These settings can only be stricter than the platform's. Leave a field empty to keep the platform's setting.",
  },
  idle: { id: 'operator.partner_config.session.idle', defaultMessage: 'Sign people out after this many minutes without activity' },
  platformSetting: { id: 'operator.partner_config.session.platform_setting', defaultMessage: "The platform's setting" },
  absolute: { id: 'operator.partner_config.session.absolute', defaultMessage: 'Sign people out this many hours after they signed in, however active' },
  max: { id: 'operator.partner_config.session.max', defaultMessage: 'Sessions one person may have open at once' },
  noLimit: { id: 'operator.partner_config.session.no_limit', defaultMessage: 'No limit' },
  oldestEnds: {
    id: 'operator.partner_config.session.oldest_ends',
    defaultMessage: 'When someone signs in while already at the limit, their oldest session ends and the event is recorded in the audit log.',
  },
  failed: { id: 'operator.partner_config.session.failed', defaultMessage: 'The session policy was not saved' },
  save: { id: 'operator.partner_config.session.save', defaultMessage: 'Save session policy' },
  reset: { id: 'operator.partner_config.session.reset', defaultMessage: "Use the platform's settings" },
});

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
  const intl = useIntl();
  const save = useApiMutation((value: SessionSection | null) => partnerLimitsApi.setSection(partnerId, 'session', value, version), {
    success: intl.formatMessage(m.saved),
    invalidates: [partnerKeys.configuration(partnerId)],
  });
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
            <Text fw={600}>
              <FormattedMessage {...m.title} />
            </Text>
            <Text size="sm" c="dimmed">
              <FormattedMessage {...m.text} />
            </Text>
          </div>
          <NumberInput label={intl.formatMessage(m.idle)} min={1} allowDecimal={false} placeholder={intl.formatMessage(m.platformSetting)} {...form.getInputProps('idle')} />
          <NumberInput label={intl.formatMessage(m.absolute)} min={0.1} decimalScale={2} placeholder={intl.formatMessage(m.platformSetting)} {...form.getInputProps('absoluteHours')} />
          <NumberInput label={intl.formatMessage(m.max)} min={1} max={1000} allowDecimal={false} placeholder={intl.formatMessage(m.noLimit)} {...form.getInputProps('maxSessions')} />
          <Alert variant="light" icon={<IconInfoCircle size={16} />}>
            <FormattedMessage {...m.oldestEnds} />
          </Alert>
          <ErrorAlert error={save.error} title={intl.formatMessage(m.failed)} />
          <Group>
            <Button type="submit" loading={save.busy}>
              <FormattedMessage {...m.save} />
            </Button>
            {session && (
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
