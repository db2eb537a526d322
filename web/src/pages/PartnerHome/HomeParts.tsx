/** Pieces the partner home's sections share: a titled section with a waiting badge, and a figure card. */
import type { ReactNode } from 'react';
import { useIntl } from 'react-intl';
import { Badge, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  waiting: { id: 'partner_home.section.waiting', defaultMessage: '{count, plural, one {# waiting} other {# waiting}}' },
});

/**
 * A section of the home; `waiting` puts an orange count next to its title when something waits for the reader,
 * named by `waitingLabel` (the whole phrase with its count, e.g. "2 identity checks wait"; "2 waiting" when not given).
 */
export function HomeSection({ title, description, waiting, waitingLabel, actions, children, testId }: { title: string; description?: ReactNode; waiting?: number; waitingLabel?: string; actions?: ReactNode; children: ReactNode; testId: string }) {
  const intl = useIntl();
  return (
    <Paper withBorder radius="md" p="md" data-testid={testId} component="section" aria-label={title}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="xs">
          <div style={{ minWidth: 0, flex: '1 1 16rem' }}>
            <Group gap="xs" wrap="nowrap">
              <Title order={2} size="h4">
                {title}
              </Title>
              {waiting !== undefined && waiting > 0 && (
                <Badge color="orange" variant="filled" data-testid={`${testId}-badge`} aria-label={waitingLabel ?? intl.formatMessage(m.waiting, { count: waiting })} style={{ flexShrink: 0, overflow: 'visible' }}>
                  {waiting}
                </Badge>
              )}
            </Group>
            {description && (
              <Text size="sm" c="dimmed">
                {description}
              </Text>
            )}
          </div>
          {actions}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}

/** One figure: its label, value (a skeleton while it loads) and a line saying what it counts. */
export function Figure({ label, value, hint, testId }: { label: string; value: ReactNode | undefined; hint?: ReactNode; testId: string }) {
  return (
    <Paper withBorder radius="md" p="sm" data-testid={testId} data-state={value === undefined ? 'loading' : 'ready'}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      {value === undefined ? (
        <Skeleton h={26} mt={6} w="60%" />
      ) : (
        <Text fw={700} fz={22} mt={2} data-testid={`${testId}-value`}>
          {value}
        </Text>
      )}
      {hint && (
        <Text size="xs" c="dimmed" mt={2}>
          {hint}
        </Text>
      )}
    </Paper>
  );
}
