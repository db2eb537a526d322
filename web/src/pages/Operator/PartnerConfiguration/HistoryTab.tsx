/** Operator: every version of a partner's configuration — who, when, and what changed, in words. */
import { Badge, Button, Group, List, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { featuresApi, type ConfigVersionDto } from '../../../api/features.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { useApiQuery } from '../../../query/query.ts';
import { delegationsApi } from '../../../api/delegations.ts';
import { describeChange, sectionName, type Names } from './describeChange.ts';
import { featureKeys } from '../../../api/keys/features.ts';
import { partnerKeys } from '../../../api/keys/partners.ts';
import { roleKeys } from '../../../api/keys/roles.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../../i18n/define.ts';

const m = defineMessages({
  loading: { id: 'operator.partner_config.history.loading', defaultMessage: 'Loading the history…' },
  empty: { id: 'operator.partner_config.history.empty', defaultMessage: 'No changes yet: this partner has the platform’s defaults.' },
  older: { id: 'operator.partner_config.history.older', defaultMessage: 'Show older changes' },
  version: { id: 'operator.partner_config.history.version', defaultMessage: 'Version {version}' },
  platform: { id: 'operator.partner_config.history.by_platform', defaultMessage: 'The platform' },
});

export function HistoryTab({ partnerId }: { partnerId: string }) {
  const [pages, setPages] = useState<(number | undefined)[]>([undefined]);
  return (
    <Stack gap="sm" data-testid="config-history">
      {pages.map((before, i) => (
        <HistoryPage key={before ?? 'first'} partnerId={partnerId} before={before} last={i === pages.length - 1} onMore={(b) => setPages((p) => [...p, b])} />
      ))}
    </Stack>
  );
}

function HistoryPage({ partnerId, before, last, onMore }: { partnerId: string; before?: number; last: boolean; onMore: (before: number) => void }) {
  const q = useApiQuery(partnerKeys.configurationVersions(partnerId, before), () => featuresApi.versions(partnerId, before));
  const catalog = useApiQuery(featureKeys.catalog, () => featuresApi.catalog());
  const roles = useApiQuery(roleKeys.delegation, () => delegationsApi.roles());
  const names: Names = { features: new Map((catalog.data?.data ?? []).map((f) => [f.key, f.name])), roles: new Map((roles.data?.data ?? []).map((r) => [r.id, r.name])) };
  if (q.error) return <ErrorAlert error={q.error} />;
  if (q.loading)
    return (
      <Text c="dimmed">
        <FormattedMessage {...m.loading} />
      </Text>
    );
  const rows = q.data?.data ?? [];
  if (rows.length === 0 && before === undefined)
    return (
      <Text c="dimmed">
        <FormattedMessage {...m.empty} />
      </Text>
    );
  return (
    <>
      {rows.map((v) => (
        <VersionCard key={v.version} v={v} names={names} />
      ))}
      {last && q.data?.next_before != null && (
        <Group>
          <Button variant="default" onClick={() => onMore(q.data!.next_before!)}>
            <FormattedMessage {...m.older} />
          </Button>
        </Group>
      )}
    </>
  );
}

function VersionCard({ v, names }: { v: ConfigVersionDto; names: Names }) {
  const intl = useIntl();
  return (
    <Paper withBorder p="sm" data-version={v.version}>
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Group gap="xs">
          <Badge variant="light">{sectionName(intl, v.section)}</Badge>
          <Text size="sm" fw={500}>
            <FormattedMessage {...m.version} values={{ version: v.version }} />
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          {v.changed_by ? v.changed_by.name || v.changed_by.email : intl.formatMessage(m.platform)} · {formatDateTime(v.changed_at)}
        </Text>
      </Group>
      <List size="sm" mt={6} spacing={2}>
        {v.changes.map((c) => (
          <List.Item key={c.path} style={{ overflowWrap: 'anywhere' }}>
            {describeChange(intl, v.section, c, names)}
          </List.Item>
        ))}
      </List>
    </Paper>
  );
}
