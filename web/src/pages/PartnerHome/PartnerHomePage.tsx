/** The partner home: the organization's status and profile (editable by owners). */
import { Alert, Stack, Text } from '@mantine/core';
import { IconHourglass, IconAlertTriangle } from '@tabler/icons-react';
import { api } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../components/format.ts';
import { useApiQuery } from '../../query/query.ts';
import { roleLabel, allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { PartnerProfileCard } from './PartnerProfileCard.tsx';

const INACTIVE_TEXT: Record<string, string> = {
  suspended: 'The platform operator has suspended your partner organization. Its people and apps cannot act for customers until it is reactivated.',
  terminated: 'Your partner organization has been terminated. Its people and apps can no longer act for customers.',
  rejected: 'The platform operator did not approve your application.',
};

export function PartnerHomePage() {
  const m = useView().partner!;
  // Members may read their own partner while it is active, or while its application is under review.
  const readable = m.partner_status === 'active' || m.partner_status === 'applied';
  const partner = useApiQuery(['partners', 'get', m.partner_id, readable], () => (readable ? api.partners.get(m.partner_id) : Promise.resolve(null)));
  const p = partner.data;
  const isOwner = allows(m, 'partner.profile.update');
  return (
    <>
      <PageHeader
        title={m.name}
        badge={<StatusBadge status={p?.status ?? m.partner_status} />}
        description={`You are ${isOwner ? 'an owner' : 'a staff member'} of this partner organization (${roleLabel(m.role)}).`}
      />
      <Stack gap="lg" maw={960}>
        {m.partner_status === 'applied' && (
          <Alert color="yellow" icon={<IconHourglass size={20} />} title="Your application is under review" data-testid="application-under-review">
            <Text size="sm">
              A platform operator is reviewing the application{p ? ` sent on ${formatDate(p.applied_at)}` : ''}. Once it is approved, the capabilities you are
              granted appear here and you can invite your team. Nothing else to do for now.
            </Text>
          </Alert>
        )}
        {!readable && (
          <Alert color="red" icon={<IconAlertTriangle size={20} />} title={`Your partner organization is ${m.partner_status}`}>
            <Text size="sm">{INACTIVE_TEXT[m.partner_status] ?? 'Your partner organization cannot act right now.'} Contact the platform operator for details.</Text>
          </Alert>
        )}
        {p?.status_reason && p.status !== 'applied' && (
          <Alert color="gray" title="Note from the operator">
            {p.status_reason}
          </Alert>
        )}
        <ErrorAlert error={partner.error} />
        {p && <PartnerProfileCard partner={p} canEdit={isOwner && p.status === 'active'} onSaved={(np) => partner.setData(np)} />}
      </Stack>
    </>
  );
}
