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
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages, type Message } from '../../i18n/define.ts';

type Verb = 'reject' | 'suspend' | 'reactivate' | 'terminate';

const VERBS: Record<Verb, { title: Message; message: Message; label: Message; color: string; reason: 'required' | 'optional' }> = {
  reject: {
    ...defineMessages({
      title: { id: 'operator.partner.reject.title', defaultMessage: 'Reject this application?' },
      message: { id: 'operator.partner.reject.message', defaultMessage: 'The applicant sees that the application was not approved. Your reason is recorded in the audit log.' },
      label: { id: 'operator.partner.reject.confirm', defaultMessage: 'Reject application' },
    }),
    color: 'red',
    reason: 'required',
  },
  suspend: {
    ...defineMessages({
      title: { id: 'operator.partner.suspend.title', defaultMessage: 'Suspend this partner?' },
      message: {
        id: 'operator.partner.suspend.message',
        defaultMessage: 'Its people and apps stop acting for customers at once, on their very next request. You can reactivate it later.',
      },
      label: { id: 'operator.partner.suspend.confirm', defaultMessage: 'Suspend partner' },
    }),
    color: 'orange',
    reason: 'required',
  },
  reactivate: {
    ...defineMessages({
      title: { id: 'operator.partner.reactivate.title', defaultMessage: 'Reactivate this partner?' },
      message: { id: 'operator.partner.reactivate.message', defaultMessage: 'Its people and apps can act again at once, within their delegations.' },
      label: { id: 'operator.partner.reactivate.confirm', defaultMessage: 'Reactivate' },
    }),
    color: 'teal',
    reason: 'optional',
  },
  terminate: {
    ...defineMessages({
      title: { id: 'operator.partner.terminate.title', defaultMessage: 'Terminate this partner?' },
      message: { id: 'operator.partner.terminate.message', defaultMessage: 'Termination is final: the partner can never act again and cannot be reactivated.' },
      label: { id: 'operator.partner.terminate.confirm', defaultMessage: 'Terminate for good' },
    }),
    color: 'red',
    reason: 'required',
  },
};

const m = defineMessages({
  nowStatus: {
    id: 'operator.partner.now_status',
    defaultMessage: '{name} is now {status, select, active {active} applied {applied} suspended {suspended} terminated {terminated} rejected {rejected} other {{status}}}.',
  },
  allPartners: { id: 'operator.partner.back', defaultMessage: 'All partners' },
  contact: { id: 'operator.partner.contact', defaultMessage: 'Contact: {email}' },
  approve: { id: 'operator.partner.approve', defaultMessage: 'Approve…' },
  reject: { id: 'operator.partner.reject', defaultMessage: 'Reject…' },
  suspend: { id: 'operator.partner.suspend', defaultMessage: 'Suspend…' },
  reactivate: { id: 'operator.partner.reactivate', defaultMessage: 'Reactivate…' },
  terminate: { id: 'operator.partner.terminate', defaultMessage: 'Terminate…' },
  underReview: { id: 'operator.partner.under_review.title', defaultMessage: 'Application under review' },
  underReviewText: {
    id: 'operator.partner.under_review.text',
    defaultMessage: '{name} applied{asked, select, yes { for {capabilities}} other {}}. Approve it to grant capabilities, or reject it with a reason.',
  },
  reasonTitle: {
    id: 'operator.partner.status_reason.title',
    defaultMessage: 'Reason recorded with the last status change ({status, select, active {active} applied {applied} suspended {suspended} terminated {terminated} rejected {rejected} other {{status}}})',
  },
  tabProfile: { id: 'operator.partner.tab.profile', defaultMessage: 'Profile' },
  tabConfiguration: { id: 'operator.partner.tab.configuration', defaultMessage: 'Configuration' },
  tabMembers: { id: 'operator.partner.tab.members', defaultMessage: 'Members' },
  tabReach: { id: 'operator.partner.tab.reach', defaultMessage: 'Customers it can reach' },
  tabProvisioning: { id: 'operator.partner.tab.provisioning', defaultMessage: 'Provisioning' },
  tabAudit: { id: 'operator.partner.tab.audit', defaultMessage: 'Audit log' },
  approved: { id: 'operator.partner.approve.done', defaultMessage: '{name} approved.' },
  pickOne: { id: 'operator.partner.approve.pick_one', defaultMessage: 'Pick at least one thing this partner may do.' },
  approveTitle: { id: 'operator.partner.approve.title', defaultMessage: 'Approve {name}' },
  approveText: {
    id: 'operator.partner.approve.text',
    defaultMessage: 'Choose what {name} may do. {asked, select, yes {What it asked for is pre-selected.} other {It did not ask for anything specific.}} You can change this later.',
  },
  notApproved: { id: 'operator.partner.approve.failed', defaultMessage: 'Not approved' },
  cancel: { id: 'operator.partner.approve.cancel', defaultMessage: 'Cancel' },
  approvePartner: { id: 'operator.partner.approve.submit', defaultMessage: 'Approve partner' },
});

export function PartnerDetailPage() {
  const intl = useIntl();
  const { id = '' } = useParams();
  const partner = useApiQuery(partnerKeys.detail(id), () => api.partners.get(id));
  const [verb, setVerb] = useState<Verb | null>(null);
  const [approving, setApproving] = useState(false);
  const transition = useApiMutation((v: Verb, reason: string | undefined) => api.partners.transition(id, v, reason), {
    success: (p) => intl.formatMessage(m.nowStatus, { name: p.name, status: p.status }),
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
        <IconArrowLeft size={14} /> <FormattedMessage {...m.allPartners} />
      </Anchor>
      <ErrorAlert error={partner.error} />
      {p && (
        <>
          <PageHeader
            title={p.name}
            badge={<StatusBadge status={p.status} />}
            description={p.contact_email ? intl.formatMessage(m.contact, { email: p.contact_email }) : undefined}
            actions={
              <>
                {p.status === 'applied' && (
                  <>
                    <Button color="teal" leftSection={<IconCheck size={16} />} onClick={() => setApproving(true)}>
                      <FormattedMessage {...m.approve} />
                    </Button>
                    <Button variant="light" color="red" onClick={() => { transition.reset(); setVerb('reject'); }}>
                      <FormattedMessage {...m.reject} />
                    </Button>
                  </>
                )}
                {p.status === 'active' && (
                  <Button variant="light" color="orange" onClick={() => { transition.reset(); setVerb('suspend'); }}>
                    <FormattedMessage {...m.suspend} />
                  </Button>
                )}
                {p.status === 'suspended' && (
                  <Button color="teal" onClick={() => { transition.reset(); setVerb('reactivate'); }}>
                    <FormattedMessage {...m.reactivate} />
                  </Button>
                )}
                {(p.status === 'active' || p.status === 'suspended') && (
                  <Button variant="subtle" color="red" onClick={() => { transition.reset(); setVerb('terminate'); }}>
                    <FormattedMessage {...m.terminate} />
                  </Button>
                )}
              </>
            }
          />
          <Stack>
            {p.status === 'applied' && (
              <Alert color="yellow" title={intl.formatMessage(m.underReview)}>
                <FormattedMessage
                  {...m.underReviewText}
                  values={{
                    name: p.name,
                    asked: p.requested_capabilities.length ? 'yes' : 'no',
                    capabilities: p.requested_capabilities.map((c) => CAPABILITY_INFO[c]?.label ?? c).join(', '),
                  }}
                />
              </Alert>
            )}
            {p.status_reason && p.status !== 'applied' && (
              <Alert color={p.status === 'active' ? 'gray' : 'orange'} title={intl.formatMessage(m.reasonTitle, { status: p.status })}>
                {p.status_reason}
              </Alert>
            )}
            <Tabs defaultValue="profile" keepMounted={false}>
              <Tabs.List mb="md">
                <Tabs.Tab value="profile" leftSection={<IconId size={16} />}>
                  <FormattedMessage {...m.tabProfile} />
                </Tabs.Tab>
                <Tabs.Tab value="configuration" leftSection={<IconAdjustments size={16} />}>
                  <FormattedMessage {...m.tabConfiguration} />
                </Tabs.Tab>
                <Tabs.Tab value="members" leftSection={<IconUsersGroup size={16} />}>
                  <FormattedMessage {...m.tabMembers} />
                </Tabs.Tab>
                <Tabs.Tab value="reach" leftSection={<IconShieldCheck size={16} />}>
                  <FormattedMessage {...m.tabReach} />
                </Tabs.Tab>
                <Tabs.Tab value="provisioning" leftSection={<IconUsersGroup size={16} />}>
                  <FormattedMessage {...m.tabProvisioning} />
                </Tabs.Tab>
                <Tabs.Tab value="audit" leftSection={<IconHistory size={16} />}>
                  <FormattedMessage {...m.tabAudit} />
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
          title={intl.formatMessage(VERBS[verb].title)}
          message={intl.formatMessage(VERBS[verb].message)}
          confirmLabel={intl.formatMessage(VERBS[verb].label)}
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
  const intl = useIntl();
  const approve = useApiMutation((caps: string[]) => api.partners.approve(partner.id, caps as Capability[]), { success: (p) => intl.formatMessage(m.approved, { name: p.name }), onDone });
  const form = useApiForm<{ capabilities: string[] }>(
    { initialValues: { capabilities: [] }, validate: { capabilities: (v) => required(v, intl.formatMessage(m.pickOne)) } },
    approve,
    { resetWhen: opened },
  );
  // What the partner asked for is pre-selected.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the dialog opens
  useEffect(() => {
    if (opened) form.setValues({ capabilities: partner.requested_capabilities });
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.approveTitle, { name: partner.name })} size="lg">
      <form noValidate onSubmit={form.submit((v) => approve.run(v.capabilities))}>
        <Stack>
          <Text size="sm">
            <FormattedMessage {...m.approveText} values={{ name: partner.name, asked: partner.requested_capabilities.length ? 'yes' : 'no' }} />
          </Text>
          <CapabilityChecks value={form.values.capabilities} onChange={(v) => form.setFieldValue('capabilities', v)} error={form.errors.capabilities as string | undefined} required />
          <ErrorAlert error={approve.error} title={intl.formatMessage(m.notApproved)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              <FormattedMessage {...m.cancel} />
            </Button>
            <Button type="submit" color="teal" loading={approve.busy}>
              <FormattedMessage {...m.approvePartner} />
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
