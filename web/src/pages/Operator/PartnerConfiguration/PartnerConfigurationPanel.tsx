/**
 * Operator: one partner's whole configuration in one place — a tab per concern (configTabs.tsx).
 * Every change applies on every server at the partner's next request; configuration changes are
 * kept as versions (who, when, what changed) in the History tab.
 */
import { Tabs, Text } from '@mantine/core';
import type { PartnerDto } from '../../../api/index.ts';
import { CONFIG_TABS } from './configTabs.tsx';
import { FormattedMessage } from 'react-intl';
import { defineMessage } from '../../../i18n/define.ts';

const intro = defineMessage({
  id: 'operator.partner_config.intro',
  defaultMessage: 'Everything {name} may do and use, in one place. Each change applies to the partner’s very next request.',
});

export function PartnerConfigurationPanel({ partner, onSaved }: { partner: PartnerDto; onSaved: (p: PartnerDto) => void }) {
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        <FormattedMessage {...intro} values={{ name: partner.name }} />
      </Text>
      <Tabs defaultValue={CONFIG_TABS[0]?.value} keepMounted={false} variant="pills" data-testid="partner-configuration">
        <Tabs.List mb="md" style={{ flexWrap: 'wrap' }}>
          {CONFIG_TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} leftSection={t.icon}>
              <FormattedMessage {...t.label} />
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {CONFIG_TABS.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            {t.render(partner, onSaved)}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
