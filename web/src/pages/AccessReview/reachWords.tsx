/** What a partner or person can do on a customer, in words: permissions by area, and the billing accounts covered. */
import { Stack, Text } from '@mantine/core';
import { createIntl, createIntlCache, FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { PERMISSION_AREAS, usePermissionWords } from '../Msp/shared.tsx';

const m = defineMessages({
  nothingYet: { id: 'access_review.permissions.nothing_yet', defaultMessage: 'Nothing yet' },
  area: { id: 'access_review.permissions.area', defaultMessage: '{area}:' },
  everyAccount: { id: 'access_review.accounts.every', defaultMessage: 'Every billing account' },
  noAccount: { id: 'access_review.accounts.none', defaultMessage: 'No billing account' },
  someAccounts: { id: 'access_review.accounts.some', defaultMessage: '{count, plural, one {Billing account} other {Billing accounts}} {numbers}' },
  viaLink: { id: 'access_review.through.link', defaultMessage: 'Through a link the customer approved' },
  viaReseller: { id: 'access_review.through.reseller', defaultMessage: 'Through its reseller {reseller}' },
  viaConsent: { id: 'access_review.through.consent', defaultMessage: 'By the customer’s consent to the app {app}' },
  viaAnyApp: { id: 'access_review.through.consent_any_app', defaultMessage: 'By the customer’s consent to its apps' },
  viaWholesale: { id: 'access_review.through.wholesale', defaultMessage: 'Through a wholesale agreement' },
});

type Route = { kind: 'link' | 'consent' | 'wholesale'; delegation_id: string; reseller: { name: string } | null; app: { name: string } | null };

/** Why the access exists, one line per relationship: "Through its reseller Fabrikam", "By the customer’s consent to the app X". */
export function ThroughWords({ through }: { through: readonly Route[] }) {
  const intl = useIntl();
  const say = (r: Route) => {
    if (r.reseller !== null) return intl.formatMessage(m.viaReseller, { reseller: r.reseller.name });
    if (r.kind === 'consent') return r.app === null ? intl.formatMessage(m.viaAnyApp) : intl.formatMessage(m.viaConsent, { app: r.app.name });
    return intl.formatMessage(r.kind === 'wholesale' ? m.viaWholesale : m.viaLink);
  };
  return (
    <Stack gap={2}>
      {through.map((r) => (
        <Text size="sm" key={r.delegation_id}>
          {say(r)}
        </Text>
      ))}
    </Stack>
  );
}

/** "Billing: Read invoices, Export invoices" — one line per area, in the catalog's words. */
export function PermissionWords({ names }: { names: readonly string[] }) {
  const words = usePermissionWords();
  if (names.length === 0)
    return (
      <Text size="sm">
        <FormattedMessage {...m.nothingYet} />
      </Text>
    );
  const areas = new Map<string, string[]>();
  for (const name of names) {
    const area = name.split('.')[0];
    const label = PERMISSION_AREAS[area] ?? area[0].toUpperCase() + area.slice(1);
    areas.set(label, [...(areas.get(label) ?? []), words.word(name)]);
  }
  return (
    <Stack gap={2}>
      {[...areas].map(([area, list]) => (
        <Text size="sm" key={area}>
          <Text span fw={600} size="sm">
            <FormattedMessage {...m.area} values={{ area }} />
          </Text>{' '}
          {list.join(', ')}
        </Text>
      ))}
    </Stack>
  );
}

/** English, for callers that do not pass the reader's intl yet. */
let english: IntlShape | null = null;
const englishIntl = () => {
  english ??= createIntl({ locale: 'en', defaultLocale: 'en', messages: {}, onError: () => undefined }, createIntlCache());
  return english;
};

type Accounts = readonly { account_number: string }[] | null;

/** "Every billing account", or the account numbers, in the reader's words. */
export function accountsWords(intl: IntlShape, accounts: Accounts): string;
/** @deprecated English only: pass the reader's intl first, `accountsWords(intl, accounts)`. */
export function accountsWords(accounts: Accounts): string;
export function accountsWords(a: IntlShape | Accounts, b?: Accounts): string {
  const withIntl = a !== null && !Array.isArray(a) && 'formatMessage' in a;
  const intl = withIntl ? (a as IntlShape) : englishIntl();
  const accounts = withIntl ? (b ?? null) : (a as Accounts);
  if (accounts === null) return intl.formatMessage(m.everyAccount);
  if (accounts.length === 0) return intl.formatMessage(m.noAccount);
  return intl.formatMessage(m.someAccounts, { count: accounts.length, numbers: accounts.map((x) => x.account_number).join(', ') });
}

/** Whether two permission lists say the same. */
export const samePermissions = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
