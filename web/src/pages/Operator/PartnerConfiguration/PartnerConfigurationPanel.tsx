/**
 * Operator: one partner's configuration — a tab per concern (configTabs.tsx). Every
 * change is a new version with who and when, applied on every server at the partner's next request.
 */
import { Tabs, Text } from '@mantine/core';
import { CONFIG_TABS } from './configTabs.tsx';

export function PartnerConfigurationPanel({ partnerId }: { partnerId: string }) {
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        What this partner may use. Each change is kept as a new version (who, when, what changed) and applies to the partner&apos;s very next request.
      </Text>
      <Tabs defaultValue={CONFIG_TABS[0]?.value} keepMounted={false} variant="pills" data-testid="partner-configuration">
        <Tabs.List mb="md" style={{ flexWrap: 'wrap' }}>
          {CONFIG_TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} leftSection={t.icon}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {CONFIG_TABS.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            {t.render(partnerId)}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
