/**
 * Permissions as people read and choose them: sentences from the server's permission catalog
 * ("Open support tickets"), grouped by area, shown as words and chosen with checkboxes — never as
 * dotted names or a comma-separated list. Used by the tenant's access pages and the operator's
 * partner configuration.
 */
import { Checkbox, SimpleGrid, Stack, Text } from '@mantine/core';
import { useIntl, type IntlShape } from 'react-intl';
import { PermissionWords } from '../AccessReview/reachWords.tsx';
import { PERMISSION_AREAS, usePermissionWords } from '../Msp/shared.tsx';
import { defineMessages, type Message } from '../../i18n/define.ts';

/** The customer-data areas, in the order a person thinks of them. */
export const DATA_AREAS = Object.keys(PERMISSION_AREAS);

/** An area's name as a heading ("Support tickets"). */
const AREA_TITLE: Record<string, Message> = defineMessages({
  billing: { id: 'delegations.area.billing', defaultMessage: 'Billing' },
  orders: { id: 'delegations.area.orders', defaultMessage: 'Orders' },
  services: { id: 'delegations.area.services', defaultMessage: 'Services' },
  support: { id: 'delegations.area.support', defaultMessage: 'Support tickets' },
  reports: { id: 'delegations.area.reports', defaultMessage: 'Reports' },
  alerts: { id: 'delegations.area.alerts', defaultMessage: 'Alerts' },
  vouchers: { id: 'delegations.area.vouchers', defaultMessage: 'Vouchers' },
});

/** An area's name inside a sentence ("Everything in support tickets"). */
const AREA_IN_SENTENCE: Record<string, Message> = defineMessages({
  billing: { id: 'delegations.area.in_sentence.billing', defaultMessage: 'billing' },
  orders: { id: 'delegations.area.in_sentence.orders', defaultMessage: 'orders' },
  services: { id: 'delegations.area.in_sentence.services', defaultMessage: 'services' },
  support: { id: 'delegations.area.in_sentence.support', defaultMessage: 'support tickets' },
  reports: { id: 'delegations.area.in_sentence.reports', defaultMessage: 'reports' },
  alerts: { id: 'delegations.area.in_sentence.alerts', defaultMessage: 'alerts' },
  vouchers: { id: 'delegations.area.in_sentence.vouchers', defaultMessage: 'vouchers' },
});

const m = defineMessages({
  alsoAllowed: { id: 'delegations.access.also_allowed', defaultMessage: 'Also allowed, beyond the role' },
  neverAllowed: { id: 'delegations.access.never_allowed', defaultMessage: 'Never allowed, even if the role includes it' },
  loading: { id: 'delegations.access.loading', defaultMessage: 'Loading the permissions…' },
  legend: { id: 'delegations.access.legend', defaultMessage: '{legend} — {area}' },
  everything: { id: 'delegations.access.everything_in', defaultMessage: 'Everything in {area}' },
});

const areaOf = (name: string) => name.split('.')[0];
/** An area's heading in the reader's language (an area the portal does not know: its name, capitalized). */
export function areaLabel(intl: IntlShape, area: string): string {
  const title = AREA_TITLE[area];
  return title ? intl.formatMessage(title) : area.charAt(0).toUpperCase() + area.slice(1);
}
const areaInSentence = (intl: IntlShape, area: string) => {
  const words = AREA_IN_SENTENCE[area];
  return words ? intl.formatMessage(words) : area;
};

/** What a link adds to its role and what it never allows, in sentences; nothing when it changes nothing. */
export function AccessChangeWords({ overrides, empty }: { overrides: { grant: readonly string[]; deny: readonly string[] }; empty?: string }) {
  const intl = useIntl();
  if (overrides.grant.length === 0 && overrides.deny.length === 0) return empty ? <Text size="sm">{empty}</Text> : null;
  return (
    <Stack gap={4} mt={4} data-testid="access-changes">
      {overrides.grant.length > 0 && (
        <div>
          <Text size="xs" c="dimmed">
            {intl.formatMessage(m.alsoAllowed)}
          </Text>
          <PermissionWords names={overrides.grant} />
        </div>
      )}
      {overrides.deny.length > 0 && (
        <div>
          <Text size="xs" c="dimmed">
            {intl.formatMessage(m.neverAllowed)}
          </Text>
          <PermissionWords names={overrides.deny} />
        </div>
      )}
    </Stack>
  );
}

export interface PermissionChecklistProps {
  /** the permission names checked (an area's "everything" is `area.*`) */
  value: string[];
  onChange(v: string[]): void;
  /** the areas offered (default: the customer-data areas) */
  areas?: readonly string[];
  /** what ticking means, before each area's name ("Never" → "Never — billing"); empty: the area alone */
  legend?: string;
  disabled?: boolean;
  testId?: string;
  /** offer an "everything in this area" box (`area.*`) first in each group */
  withAreaBox?: boolean;
}

/** Checkboxes in sentences, one group per area, each with an "everything in this area" box first. */
export function PermissionChecklist({ value, onChange, areas = DATA_AREAS, legend, disabled, testId, withAreaBox = true }: PermissionChecklistProps) {
  const intl = useIntl();
  const words = usePermissionWords();
  if (words.loading) return <Text size="sm" c="dimmed">{intl.formatMessage(m.loading)}</Text>;
  const groups = areas
    .map((area) => ({ area, items: words.all.filter((p) => areaOf(p.name) === area && !p.name.endsWith('*')) }))
    .filter((g) => g.items.length > 0);
  const set = (name: string, on: boolean) => onChange(on ? [...new Set([...value, name])] : value.filter((x) => x !== name));
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" data-testid={testId}>
      {groups.map((g) => {
        const all = withAreaBox && value.includes(`${g.area}.*`);
        return (
          <fieldset key={g.area} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }} disabled={disabled}>
            <Text component="legend" size="sm" fw={600} mb={4}>
              {legend ? intl.formatMessage(m.legend, { legend, area: areaInSentence(intl, g.area) }) : areaLabel(intl, g.area)}
            </Text>
            <Stack gap={6}>
              {withAreaBox && <Checkbox label={intl.formatMessage(m.everything, { area: areaInSentence(intl, g.area) })} checked={all} onChange={(e) => set(`${g.area}.*`, e.currentTarget.checked)} />}
              {g.items.map((p) => (
                <Checkbox key={p.name} label={p.description} checked={all || value.includes(p.name)} disabled={all} onChange={(e) => set(p.name, e.currentTarget.checked)} />
              ))}
            </Stack>
          </fieldset>
        );
      })}
    </SimpleGrid>
  );
}
