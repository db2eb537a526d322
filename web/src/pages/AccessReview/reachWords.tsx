/** What a partner or person can do on a customer, in words: permissions by area, and the billing accounts covered. */
import { Stack, Text } from '@mantine/core';
import { PERMISSION_AREAS, usePermissionWords } from '../Msp/shared.tsx';

/** "Billing: Read invoices, Export invoices" — one line per area, in the catalog's words. */
export function PermissionWords({ names }: { names: readonly string[] }) {
  const words = usePermissionWords();
  if (names.length === 0) return <Text size="sm">Nothing yet</Text>;
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
            {area}:
          </Text>{' '}
          {list.join(', ')}
        </Text>
      ))}
    </Stack>
  );
}

/** "Every billing account", or the account numbers. */
export function accountsWords(accounts: readonly { account_number: string }[] | null): string {
  if (accounts === null) return 'Every billing account';
  if (accounts.length === 0) return 'No billing account';
  return `${accounts.length === 1 ? 'Billing account' : 'Billing accounts'} ${accounts.map((a) => a.account_number).join(', ')}`;
}

/** Whether two permission lists say the same. */
export const samePermissions = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
