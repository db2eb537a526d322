/**
 * Operator: which roles a partner may use — the member roles its owner may give its
 * people, and the delegation roles it may request from customers. "Any" is the platform default;
 * a role taken away stops working at the next request for links and people that already have it.
 */
import { useEffect, useState } from 'react';
import { IconAlertTriangle } from '@tabler/icons-react';
import { Button, Checkbox, Group, Paper, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { delegationsApi } from '../../../api/delegations.ts';
import { featuresApi, MEMBER_ROLE_IDS } from '../../../api/features.ts';
import { builtinRoleName, localizedRole } from '../../../components/roleNames.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { useApiMutation, useApiQuery } from '../../../query/query.ts';
import { partnerKeys } from '../../../api/keys/partners.ts';
import { usePartnerConfiguration } from './usePartnerConfiguration.ts';
import { roleKeys } from '../../../api/keys/roles.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../../i18n/define.ts';

const m = defineMessages({
  saved: { id: 'operator.partner_config.roles.saved', defaultMessage: 'Saved. It applies from the partner’s next request.' },
  memberTitle: { id: 'operator.partner_config.roles.member.title', defaultMessage: "Roles for the partner's people" },
  memberHelp: {
    id: 'operator.partner_config.roles.member.help',
    defaultMessage: "The roles the partner's owner may give its people for the customers they manage. People who already have a role you take away lose that access at their next request.",
  },
  memberAny: { id: 'operator.partner_config.roles.member.any', defaultMessage: 'Any member role' },
  delegationTitle: { id: 'operator.partner_config.roles.delegation.title', defaultMessage: 'Access it may ask customers for' },
  delegationHelp: {
    id: 'operator.partner_config.roles.delegation.help',
    defaultMessage: 'The kinds of access (delegation roles) the partner may request from a customer. A link that already has a role you take away stops working at the next request.',
  },
  delegationAny: { id: 'operator.partner_config.roles.delegation.any', defaultMessage: 'Any delegation role' },
  save: { id: 'operator.partner_config.roles.save', defaultMessage: 'Save roles' },
  none: { id: 'operator.partner_config.roles.none', defaultMessage: 'None selected: the partner may use none of these roles.' },
});

type Limit = string[] | null;

export function RolesTab({ partnerId }: { partnerId: string }) {
  const intl = useIntl();
  const config = usePartnerConfiguration(partnerId);
  const delegationRoles = useApiQuery(roleKeys.delegation, () => delegationsApi.roles());
  const [member, setMember] = useState<Limit>(null);
  const [delegation, setDelegation] = useState<Limit>(null);
  const saved = config.data?.config.roles;
  useEffect(() => {
    setMember(saved?.member_roles ?? null);
    setDelegation(saved?.delegation_roles ?? null);
  }, [saved]);
  const save = useApiMutation(
    () => {
      const value: { member_roles?: string[]; delegation_roles?: string[] } = {};
      if (member) value.member_roles = member;
      if (delegation) value.delegation_roles = delegation;
      return featuresApi.putSection(partnerId, 'roles', Object.keys(value).length ? value : null, config.data?.version);
    },
    { success: intl.formatMessage(m.saved), invalidates: [partnerKeys.of(partnerId)] },
  );
  const memberOptions = MEMBER_ROLE_IDS.map((value) => ({ value, label: builtinRoleName(intl, value) ?? value }));
  const delegationOptions = (delegationRoles.data?.data ?? []).map((role) => localizedRole(intl, role)).map((r) => ({ value: r.id, label: r.name, description: r.description }));
  const changed = JSON.stringify(member) !== JSON.stringify(saved?.member_roles ?? null) || JSON.stringify(delegation) !== JSON.stringify(saved?.delegation_roles ?? null);
  return (
    <Stack gap="md" data-testid="partner-roles">
      <ErrorAlert error={config.error ?? delegationRoles.error ?? save.error} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <RoleLimit
          title={intl.formatMessage(m.memberTitle)}
          help={intl.formatMessage(m.memberHelp)}
          anyLabel={intl.formatMessage(m.memberAny)}
          options={memberOptions}
          value={member}
          onChange={setMember}
          testId="member-roles"
        />
        <RoleLimit
          title={intl.formatMessage(m.delegationTitle)}
          help={intl.formatMessage(m.delegationHelp)}
          anyLabel={intl.formatMessage(m.delegationAny)}
          options={delegationOptions}
          value={delegation}
          onChange={setDelegation}
          testId="delegation-roles"
        />
      </SimpleGrid>
      <Group>
        <Button onClick={() => void save.run()} loading={save.busy} disabled={!changed || !config.data}>
          <FormattedMessage {...m.save} />
        </Button>
      </Group>
    </Stack>
  );
}

function RoleLimit(props: { title: string; help: string; anyLabel: string; options: { value: string; label: string; description?: string }[]; value: Limit; onChange: (v: Limit) => void; testId: string }) {
  const { value, onChange } = props;
  return (
    <Paper withBorder p="md" data-testid={props.testId}>
      <Title order={4} size="h5">{props.title}</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {props.help}
      </Text>
      <Switch label={props.anyLabel} checked={value === null} onChange={(e) => onChange(e.currentTarget.checked ? null : props.options.map((o) => o.value))} mb="sm" />
      {value !== null && (
        <Checkbox.Group value={value} onChange={onChange}>
          <Stack gap={6}>
            {props.options.map((o) => (
              <Checkbox key={o.value} value={o.value} label={o.label} description={o.description} />
            ))}
          </Stack>
        </Checkbox.Group>
      )}
      {value !== null && value.length === 0 && (
        // the warning is told by its icon and words, in the text's own colour (orange text on white fails WCAG AA contrast)
        <Group gap={6} mt="xs" wrap="nowrap" align="flex-start" data-testid="roles-none-warning">
          <IconAlertTriangle size={16} color="var(--mantine-color-orange-9)" aria-hidden style={{ flexShrink: 0 }} />
          <Text size="xs">
            <FormattedMessage {...m.none} />
          </Text>
        </Group>
      )}
    </Paper>
  );
}
