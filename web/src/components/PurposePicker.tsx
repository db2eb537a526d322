/**
 * Purpose-bound consent in the portal: choose what an access is for from the purpose catalog the
 * platform's operator keeps (each purpose in plain words with its description), and show what an
 * access asks for or holds as sentences a customer reads.
 */
import type { ReactNode } from 'react';
import { Checkbox, Group, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { purposeKeys } from '../api/keys/purposes.ts';
import { purposesApi } from '../api/purposes.ts';
import { useApiQuery } from '../query/query.ts';
import { FormattedMessage } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  loading: { id: 'components.purpose_picker.loading', defaultMessage: 'Loading the purposes…' },
  failed: { id: 'components.purpose_picker.failed', defaultMessage: 'The purposes could not be loaded; try again in a moment.' },
  none: {
    id: 'components.purpose_picker.none',
    defaultMessage: '{who} names no purpose, so this access cannot be used where the platform asks what a call is for.',
  },
  only: { id: 'components.purpose_picker.only', defaultMessage: '{who} may use this access only for:' },
  purpose: { id: 'components.purpose_picker.purpose', defaultMessage: '<b>{name}</b> — {description}' },
});

/** The catalog's purposes by id (retired ones too: an access may still hold one); an unknown id reads as itself. */
export function usePurposeNames(): (id: string) => { name: string; description: string } {
  const q = useApiQuery(purposeKeys.catalog(true), () => purposesApi.list(true));
  const byId = new Map((q.data?.data ?? []).map((p) => [p.id, p]));
  return (id) => byId.get(id) ?? { name: id, description: '' };
}

/** Tick the purposes an access is asked for (the active ones of the catalog); the value keeps the catalog's order. */
export function PurposePicker({ value, onChange, error, label, description }: { value?: string[]; onChange?(v: string[]): void; error?: ReactNode; label: string; description: string }) {
  const q = useApiQuery(purposeKeys.catalog(false), () => purposesApi.list(false));
  const list = q.data?.data ?? [];
  return (
    <Checkbox.Group label={label} description={description} value={value} onChange={(v) => onChange?.(list.filter((p) => v.includes(p.id)).map((p) => p.id))} error={error} data-testid="purpose-picker">
      <Stack gap={6} mt={6}>
        {q.loading && <Text size="sm"><FormattedMessage {...m.loading} /></Text>}
        {q.error !== null && q.error !== undefined && (
          // an icon and the darker red, so the failure is not told by a low-contrast colour alone
          <Group gap={6} wrap="nowrap" data-testid="purpose-picker-failed">
            <IconAlertCircle size={16} color="var(--mantine-color-red-9)" aria-hidden style={{ flexShrink: 0 }} />
            <Text size="sm" c="red.9">
              <FormattedMessage {...m.failed} />
            </Text>
          </Group>
        )}
        {list.map((p) => (
          <Checkbox key={p.id} value={p.id} label={p.name} description={p.description} data-purpose={p.id} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}

/** What an access is for, as sentences: "<name>: <description>" per purpose, or what having none means. */
export function PurposeSentences({ ids, who }: { ids: readonly string[] | null; who: string }) {
  const purpose = usePurposeNames();
  if (ids === null || ids.length === 0) {
    return (
      <Text size="sm">
        <FormattedMessage {...m.none} values={{ who }} />
      </Text>
    );
  }
  return (
    <Stack gap={4} data-testid="purpose-sentences">
      <Text size="sm">
        <FormattedMessage {...m.only} values={{ who }} />
      </Text>
      {ids.map((id) => (
        <Text key={id} size="sm" pl="sm" data-purpose={id}>
          {purpose(id).description ? (
            <FormattedMessage {...m.purpose} values={{ b: (chunks) => <b>{chunks}</b>, name: purpose(id).name, description: purpose(id).description }} />
          ) : (
            <b>{purpose(id).name}</b>
          )}
        </Text>
      ))}
    </Stack>
  );
}
