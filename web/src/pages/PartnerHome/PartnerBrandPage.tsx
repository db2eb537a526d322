/** The partner's brand page: its people see it; its owners change it. */
import { PageHeader } from '../../components/PageHeader.tsx';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { BrandingCard } from './BrandingCard.tsx';

export function PartnerBrandPage() {
  const m = useView().partner!;
  const canEdit = allows(m, 'partner.profile.update');
  return (
    <>
      <PageHeader
        title="Brand"
        description={canEdit ? `How ${m.name} looks to its people and customers.` : `How ${m.name} looks to its people and customers. Only your organization’s owners can change it.`}
      />
      <BrandingCard partnerId={m.partner_id} canEdit={canEdit} />
    </>
  );
}
