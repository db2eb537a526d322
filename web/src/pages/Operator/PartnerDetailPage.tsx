/**
 * Operator: one partner — review its application (approve with capabilities, or reject), suspend,
 * reactivate, terminate (with reasons), configure everything it may do in one place, see members and events.
 */
import { OperatorSsoPanel } from '../../components/OperatorSsoPanel.tsx';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  Stack,
  Tabs,
  Text,
} from '@mantine/core';
import { IconAdjustments, IconArrowLeft, IconCheck, IconHistory, IconId, IconShieldCheck, IconUsersGroup } from '@tabler/icons-react';
import { api, type Capability, type PartnerDto, type AuditQuery } from '../../api/index.ts';
import { AuditLogView } from '../../components/AuditLogView.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { operatorPeople } from '../../components/people.ts';
import { ReasonModal } from '../../components/ReasonModal.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { CAPABILITY_INFO } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { required, useApiForm } from '../../query/form.ts';
import { PartnerMembersPanel } from '../PartnerHome/PartnerMembersPanel.tsx';
import { ProvisioningPanel } from '../Provisioning/ProvisioningPanel.tsx';
import { PartnerProfileCard } from '../PartnerHome/PartnerProfileCard.tsx';
import { BrandingCard } from '../PartnerHome/BrandingCard.tsx';
import { PartnerConfigurationPanel } from './PartnerConfiguration/PartnerConfigurationPanel.tsx';
import { CapabilityChecks } from './PartnerConfiguration/AccessTab.tsx';
import { PartnerReachPanel } from '../AccessReview/PartnerReachPanel.tsx';
import { partnerKeys } from '../../api/keys/partners.ts';

type Verb = 'reject' | 'suspend' | 'reactivate' | 'terminate';

const VERBS: Record<Verb, { title: string; message: string; label: string; color: string; reason: 'required' | 'optional' }> = {
  reject: { title: 'Reject this application?', message: 'The applicant sees that the application was not approved. Your reason is recorded in the audit log.', label: 'Reject application', color: 'red', reason: 'required' },
  suspend: {
    title: 'Suspend this partner?',
    message: 'Its people and apps stop acting for customers at once, on their very next request. You can reactivate it later.',
    label: 'Suspend partner',
    color: 'orange',
    reason: 'required',
  },
  reactivate: { title: 'Reactivate this partner?', message: 'Its people and apps can act again at once, within their delegations.', label: 'Reactivate', color: 'teal', reason: 'optional' },
  terminate: {
    title: 'Terminate this partner?',
    message: 'Termination is final: the partner can never act again and cannot be reactivated.',
    label: 'Terminate for good',
    color: 'red',
    reason: 'required',
  },
};

export function PartnerDetailPage() {
  const { id = '' } = useParams();
  const partner = useApiQuery(partnerKeys.detail(id), () => api.partners.get(id));
  const [verb, setVerb] = useState<Verb | null>(null);
  const [approving, setApproving] = useState(false);
  const transition = useApiMutation((v: Verb, reason: string | undefined) => api.partners.transition(id, v, reason), {
    success: (p) => `${p.name} is now ${p.status}.`,
    onDone: (p) => {
      partner.setData(p);
      setVerb(null);
    },
  });
  const loadAudit = useCallback((q: AuditQuery) => api.partners.audit(id, q), [id]);
  const p = partner.data;

  return (
    <>
      <Anchor component={Link} to="/operator/partners" size="sm" mb="xs" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} /> All partners
      </Anchor>
      <ErrorAlert error={partner.error} />
      {p && (
        <>
          <PageHeader
            title={p.name}
            badge={<StatusBadge status={p.status} />}
            description={p.contact_email ? `Contact: ${p.contact_email}` : undefined}
            actions={
              <>
                {p.status === 'applied' && (
                  <>
                    <Button color="teal" leftSection={<IconCheck size={16} />} onClick={() => setApproving(true)}>
                      Approve…
                    </Button>
                    <Button variant="light" color="red" onClick={() => { transition.reset(); setVerb('reject'); }}>
                      Reject…
                    </Button>
                  </>
                )}
                {p.status === 'active' && (
                  <Button variant="light" color="orange" onClick={() => { transition.reset(); setVerb('suspend'); }}>
                    Suspend…
                  </Button>
                )}
                {p.status === 'suspended' && (
                  <Button color="teal" onClick={() => { transition.reset(); setVerb('reactivate'); }}>
                    Reactivate…
                  </Button>
                )}
                {(p.status === 'active' || p.status === 'suspended') && (
                  <Button variant="subtle" color="red" onClick={() => { transition.reset(); setVerb('terminate'); }}>
                    Terminate…
                  </Button>
                )}
              </>
            }
          />
          <Stack>
            {p.status === 'applied' && (
              <Alert color="yellow" title="Application under review">
                {p.name} applied
                {p.requested_capabilities.length ? ` for ${p.requested_capabilities.map((c) => CAPABILITY_INFO[c]?.label ?? c).join(', ')}` : ''}. Approve it to grant
                capabilities, or reject it with a reason.
              </Alert>
            )}
            {p.status_reason && p.status !== 'applied' && (
              <Alert color={p.status === 'active' ? 'gray' : 'orange'} title={`Reason recorded with the last status change (${p.status})`}>
                {p.status_reason}
              </Alert>
            )}
            <Tabs defaultValue="profile" keepMounted={false}>
              <Tabs.List mb="md">
                <Tabs.Tab value="profile" leftSection={<IconId size={16} />}>
                  Profile
                </Tabs.Tab>
                <Tabs.Tab value="configuration" leftSection={<IconAdjustments size={16} />}>
                  Configuration
                </Tabs.Tab>
                <Tabs.Tab value="members" leftSection={<IconUsersGroup size={16} />}>
                  Members
                </Tabs.Tab>
                <Tabs.Tab value="reach" leftSection={<IconShieldCheck size={16} />}>
                  Customers it can reach
                </Tabs.Tab>
                <Tabs.Tab value="provisioning" leftSection={<IconUsersGroup size={16} />}>
                  Provisioning
                </Tabs.Tab>
                <Tabs.Tab value="audit" leftSection={<IconHistory size={16} />}>
                  Audit log
                </Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="reach">
                <PartnerReachPanel partnerId={p.id} partnerName={p.name} />
              </Tabs.Panel>
              <Tabs.Panel value="profile">
                <Stack>
                  <PartnerProfileCard partner={p} canEdit={p.status !== 'terminated'} onSaved={partner.setData} />
                  <BrandingCard partnerId={p.id} canEdit={p.status !== 'terminated'} operator />
                </Stack>
              </Tabs.Panel>
              <Tabs.Panel value="configuration">
                <PartnerConfigurationPanel partner={p} onSaved={partner.setData} />
              </Tabs.Panel>
              <Tabs.Panel value="members">
                <PartnerMembersPanel partnerId={p.id} partnerName={p.name} canManage={p.status !== 'terminated'} />
              </Tabs.Panel>
              <Tabs.Panel value="provisioning">
                <Stack>
                  <ProvisioningPanel org={{ type: 'partner', id: p.id }} orgName={p.name} mode="operator" />
                  <OperatorSsoPanel org={{ kind: 'partner', id: p.id }} name={p.name} />
                </Stack>
              </Tabs.Panel>
              <Tabs.Panel value="audit">
                <AuditLogView scope={['partner', p.id]} load={loadAudit} people={operatorPeople} knownNames={{ [p.id]: p.name }} />
              </Tabs.Panel>
            </Tabs>
          </Stack>
          <ApproveModal
            partner={p}
            opened={approving}
            onClose={() => setApproving(false)}
            onDone={(np) => {
              partner.setData(np);
              setApproving(false);
            }}
          />
        </>
      )}
      {verb && (
        <ReasonModal
          opened
          title={VERBS[verb].title}
          message={VERBS[verb].message}
          confirmLabel={VERBS[verb].label}
          color={VERBS[verb].color}
          reason={VERBS[verb].reason}
          busy={transition.busy}
          error={transition.error}
          onClose={() => setVerb(null)}
          onConfirm={(reason) => void transition.run(verb, reason)}
        />
      )}
    </>
  );
}

function ApproveModal({ partner, opened, onClose, onDone }: { partner: PartnerDto; opened: boolean; onClose(): void; onDone(p: PartnerDto): void }) {
  const approve = useApiMutation((caps: string[]) => api.partners.approve(partner.id, caps as Capability[]), { success: (p) => `${p.name} approved.`, onDone });
  const form = useApiForm<{ capabilities: string[] }>(
    { initialValues: { capabilities: [] }, validate: { capabilities: (v) => required(v, 'Pick at least one thing this partner may do.') } },
    approve,
    { resetWhen: opened },
  );
  // What the partner asked for is pre-selected.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the dialog opens
  useEffect(() => {
    if (opened) form.setValues({ capabilities: partner.requested_capabilities });
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title={`Approve ${partner.name}`} size="lg">
      <form noValidate onSubmit={form.submit((v) => approve.run(v.capabilities))}>
        <Stack>
          <Text size="sm">
            Choose what {partner.name} may do. {partner.requested_capabilities.length ? 'What it asked for is pre-selected.' : 'It did not ask for anything specific.'} You can
            change this later.
          </Text>
          <CapabilityChecks value={form.values.capabilities} onChange={(v) => form.setFieldValue('capabilities', v)} error={form.errors.capabilities as string | undefined} required />
          <ErrorAlert error={approve.error} title="Not approved" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="teal" loading={approve.busy}>
              Approve partner
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
