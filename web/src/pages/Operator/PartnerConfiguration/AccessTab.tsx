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

export function CapabilityChecks({ value, onChange, error, required: mark }: { value: string[]; onChange(v: string[]): void; error?: string; required?: boolean }) {
  return (
    <Checkbox.Group value={value} onChange={onChange} error={error} withAsterisk={mark} label={mark ? 'What it may do' : undefined}>
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
  const [caps, setCaps] = useState<string[]>(partner.capabilities);
  useEffect(() => setCaps(partner.capabilities), [partner.capabilities]);
  const save = useApiMutation(() => api.partners.setCapabilities(partner.id, caps as Capability[]), { success: 'Saved: what this partner may do.', onDone: onSaved });
  const changed = [...caps].sort().join() !== [...partner.capabilities].sort().join();
  const editable = partner.status === 'active' || partner.status === 'suspended';
  return (
    <Paper withBorder p="lg" radius="md" data-testid="partner-capabilities">
      <Stack>
        <div>
          <Title order={4}>Kinds of work</Title>
          <Text size="sm" c="dimmed">
            What kinds of work this partner may do. {editable ? '' : 'Granted when an application is approved.'}
          </Text>
        </div>
        <fieldset disabled={!editable} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
          <CapabilityChecks value={caps} onChange={setCaps} />
        </fieldset>
        <ErrorAlert error={save.error} />
        {editable && (
          <Group justify="flex-end">
            <Button onClick={() => void save.run()} loading={save.busy} disabled={!changed}>
              Save kinds of work
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function PermissionsCard({ partner, onSaved }: { partner: PartnerDto; onSaved(p: PartnerDto): void }) {
  const words = usePermissionWords();
  const catalog = useMemo(() => words.all.map((p) => p.name).filter((n) => inDataAreas(n) && !n.endsWith('*')), [words.all]);
  const allowedNow = useMemo(() => allowedBy(catalog, partner.feature_toggles), [catalog, partner.feature_toggles]);
  const [allowed, setAllowed] = useState<string[]>(allowedNow);
  useEffect(() => setAllowed(allowedNow), [allowedNow]);
  const save = useApiMutation(() => api.partners.setFeatureToggles(partner.id, togglesFor(allowed, catalog, partner.feature_toggles)), { success: 'Saved. It applies from the partner’s next request.', onDone: onSaved });
  const changed = [...allowed].sort().join() !== [...allowedNow].sort().join();
  const offCount = catalog.length - allowed.length;
  return (
    <Paper withBorder p="lg" radius="md" data-testid="partner-permissions">
      <Stack>
        <div>
          <Title order={4}>What its people and apps may do for customers</Title>
          <Text size="sm" c="dimmed">
            Untick what this partner may never do, whatever a role or a customer allows. {words.loading ? '' : offCount === 0 ? 'Nothing is turned off now.' : `${offCount} of ${catalog.length} turned off now.`}
          </Text>
        </div>
        <PermissionChecklist value={allowed} onChange={setAllowed} withAreaBox={false} disabled={save.busy} testId="partner-permission-checklist" />
        <ErrorAlert error={save.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setAllowed(allowedNow)} disabled={!changed || save.busy}>
            Undo changes
          </Button>
          <Button onClick={() => void save.run()} loading={save.busy} disabled={!changed}>
            Save what it may do
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
