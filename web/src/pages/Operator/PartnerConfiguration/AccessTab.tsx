/**
 * Operator: what a partner may do — its capabilities (the kinds of work) and the permissions its
 * people and apps may use at all, in sentences with a checkbox each, grouped by area. A permission
 * left unticked is refused even when a role or a customer's delegation grants it (stored as the
 * partner's feature toggles, which the decision engine reads).
 */
import { useEffect, useMemo, useState } from 'react';
import { Button, Checkbox, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { api, CAPABILITIES, type Capability, type PartnerDto } from '../../../api/index.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { CAPABILITY_INFO } from '../../../components/format.ts';
import { useApiMutation } from '../../../query/query.ts';
import { PermissionChecklist } from '../../Delegations/AccessWords.tsx';
import { allowedBy, inDataAreas, togglesFor } from './permissionToggles.ts';
import { usePermissionWords } from '../../Msp/shared.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../../i18n/define.ts';

const m = defineMessages({
  whatItMayDo: { id: 'operator.partner_config.access.capabilities.label', defaultMessage: 'What it may do' },
  capsSaved: { id: 'operator.partner_config.access.capabilities.saved', defaultMessage: 'Saved: what this partner may do.' },
  kindsTitle: { id: 'operator.partner_config.access.capabilities.title', defaultMessage: 'Kinds of work' },
  kindsText: {
    id: 'operator.partner_config.access.capabilities.text',
    defaultMessage: 'What kinds of work this partner may do. {editable, select, yes {} other {Granted when an application is approved.}}',
  },
  saveKinds: { id: 'operator.partner_config.access.capabilities.save', defaultMessage: 'Save kinds of work' },
  permsSaved: { id: 'operator.partner_config.access.permissions.saved', defaultMessage: 'Saved. It applies from the partner’s next request.' },
  permsTitle: { id: 'operator.partner_config.access.permissions.title', defaultMessage: 'What its people and apps may do for customers' },
  permsText: {
    id: 'operator.partner_config.access.permissions.text',
    defaultMessage:
      'Untick what this partner may never do, whatever a role or a customer allows. {state, select, loading {} none {Nothing is turned off now.} other {{off} of {total} turned off now.}}',
  },
  undo: { id: 'operator.partner_config.access.permissions.undo', defaultMessage: 'Undo changes' },
  savePerms: { id: 'operator.partner_config.access.permissions.save', defaultMessage: 'Save what it may do' },
});

export function CapabilityChecks({ value, onChange, error, required: mark }: { value: string[]; onChange(v: string[]): void; error?: string; required?: boolean }) {
  const intl = useIntl();
  return (
    <Checkbox.Group value={value} onChange={onChange} error={error} withAsterisk={mark} label={mark ? intl.formatMessage(m.whatItMayDo) : undefined}>
      <Stack gap="sm">
        {CAPABILITIES.map((c) => (
          <Checkbox key={c} value={c} label={CAPABILITY_INFO[c].label} description={CAPABILITY_INFO[c].description} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}

export function AccessTab({ partner, onSaved }: { partner: PartnerDto; onSaved(p: PartnerDto): void }) {
  return (
    <Stack gap="lg">
      <CapabilitiesCard partner={partner} onSaved={onSaved} />
      <PermissionsCard partner={partner} onSaved={onSaved} />
    </Stack>
  );
}

function CapabilitiesCard({ partner, onSaved }: { partner: PartnerDto; onSaved(p: PartnerDto): void }) {
  const intl = useIntl();
  const [caps, setCaps] = useState<string[]>(partner.capabilities);
  useEffect(() => setCaps(partner.capabilities), [partner.capabilities]);
  const save = useApiMutation(() => api.partners.setCapabilities(partner.id, caps as Capability[]), { success: intl.formatMessage(m.capsSaved), onDone: onSaved });
  const changed = [...caps].sort().join() !== [...partner.capabilities].sort().join();
  const editable = partner.status === 'active' || partner.status === 'suspended';
  return (
    <Paper withBorder p="lg" radius="md" data-testid="partner-capabilities">
      <Stack>
        <div>
          <Title order={3} size="h4">
            <FormattedMessage {...m.kindsTitle} />
          </Title>
          <Text size="sm" c="dimmed">
            <FormattedMessage {...m.kindsText} values={{ editable: editable ? 'yes' : 'no' }} />
          </Text>
        </div>
        <fieldset disabled={!editable} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
          <CapabilityChecks value={caps} onChange={setCaps} />
        </fieldset>
        <ErrorAlert error={save.error} />
        {editable && (
          <Group justify="flex-end">
            <Button onClick={() => void save.run()} loading={save.busy} disabled={!changed}>
              <FormattedMessage {...m.saveKinds} />
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function PermissionsCard({ partner, onSaved }: { partner: PartnerDto; onSaved(p: PartnerDto): void }) {
  const intl = useIntl();
  const words = usePermissionWords();
  const catalog = useMemo(() => words.all.map((p) => p.name).filter((n) => inDataAreas(n) && !n.endsWith('*')), [words.all]);
  const allowedNow = useMemo(() => allowedBy(catalog, partner.feature_toggles), [catalog, partner.feature_toggles]);
  const [allowed, setAllowed] = useState<string[]>(allowedNow);
  useEffect(() => setAllowed(allowedNow), [allowedNow]);
  const save = useApiMutation(() => api.partners.setFeatureToggles(partner.id, togglesFor(allowed, catalog, partner.feature_toggles)), { success: intl.formatMessage(m.permsSaved), onDone: onSaved });
  const changed = [...allowed].sort().join() !== [...allowedNow].sort().join();
  const offCount = catalog.length - allowed.length;
  return (
    <Paper withBorder p="lg" radius="md" data-testid="partner-permissions">
      <Stack>
        <div>
          <Title order={3} size="h4">
            <FormattedMessage {...m.permsTitle} />
          </Title>
          <Text size="sm" c="dimmed">
            <FormattedMessage
              {...m.permsText}
              values={{ state: words.loading ? 'loading' : offCount === 0 ? 'none' : 'some', off: offCount, total: catalog.length }}
            />
          </Text>
        </div>
        <PermissionChecklist value={allowed} onChange={setAllowed} withAreaBox={false} disabled={save.busy} testId="partner-permission-checklist" />
        <ErrorAlert error={save.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setAllowed(allowedNow)} disabled={!changed || save.busy}>
            <FormattedMessage {...m.undo} />
          </Button>
          <Button onClick={() => void save.run()} loading={save.busy} disabled={!changed}>
            <FormattedMessage {...m.savePerms} />
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
