/** The partner's brand page: its people see it; its owners change it. */
import { useIntl } from 'react-intl';
import { PageHeader } from '../../components/PageHeader.tsx';
import { defineMessages } from '../../i18n/define.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { BrandingCard } from './BrandingCard.tsx';

const m = defineMessages({
  title: { id: 'partner_home.brand_page.title', defaultMessage: 'Brand' },
  description: { id: 'partner_home.brand_page.description', defaultMessage: 'How {partner} looks to its people and customers.' },
  descriptionReadOnly: {
    id: 'partner_home.brand_page.description_read_only',
    defaultMessage: 'How {partner} looks to its people and customers. Only your organization’s owners can change it.',
  },
});

export function PartnerBrandPage() {
  const intl = useIntl();
  const p = useView().partner!;
  const canEdit = allows(p, 'partner.profile.update');
  return (
    <>
      <PageHeader
        title={intl.formatMessage(m.title)}
        description={intl.formatMessage(canEdit ? m.description : m.descriptionReadOnly, { partner: p.name })}
      />
      <BrandingCard partnerId={p.partner_id} canEdit={canEdit} />
    </>
  );
}
