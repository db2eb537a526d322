/**
 * The header's mark: Partnergate, or — for a partner's own people on its pages, and for a customer
 * whose partner the provider lets show its brand — that partner's logo and name, "powered by
 * Partnergate". The brand's main colour underlines the header (its contrast was checked when saved).
 */
import { Group, Image, Text, ThemeIcon } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useLocation } from 'react-router';
import { brandingApi, type ShownBrand } from '../api/partnerOps.ts';
import { brandingKeys } from '../api/keys/branding.ts';
import { useApiQuery } from '../query/query.ts';
import { useSession } from '../session/SessionContext.tsx';
import { FormattedMessage } from 'react-intl';

export function useShownBrand(): ShownBrand | null {
  const { me } = useSession();
  const { pathname } = useLocation();
  const tenantId = /^\/tenant\/([^/]+)/.exec(pathname)?.[1] ?? null;
  const member = !!tenantId && !!me?.tenants.some((t) => t.tenant_id === tenantId);
  const onPartnerPages = pathname === '/partner' || pathname.startsWith('/partner/');
  const partner = !!me?.partner && me.partner.member_status === 'active' && onPartnerPages;
  const tenantBrand = useApiQuery(brandingKeys.tenant(tenantId ?? ''), () => brandingApi.ofTenant(tenantId!), { enabled: member, staleTime: 60_000 });
  const mine = useApiQuery(brandingKeys.mine(), () => brandingApi.mine(), { enabled: partner, staleTime: 60_000 });
  if (member) return tenantBrand.data?.brand ?? null;
  if (partner) return mine.data?.brand ?? null;
  return null;
}

export function BrandMark({ brand }: { brand: ShownBrand | null }) {
  if (!brand) {
    return (
      <Group gap={8} wrap="nowrap">
        <ThemeIcon size="md" radius="md">
          <IconShieldCheck size={18} />
        </ThemeIcon>
        <Text fw={700} size="lg" translate="no">
          Partnergate
        </Text>
      </Group>
    );
  }
  return (
    <Group gap={8} wrap="nowrap" data-testid="brand-mark">
      {brand.logo_url && <Image src={brand.logo_url} alt="" h={28} w="auto" maw={96} fit="contain" />}
      <div style={{ lineHeight: 1.1, minWidth: 0 }}>
        <Text fw={700} size="md" c={brand.primary_color ?? undefined} truncate="end" maw={{ base: 150, sm: 320 }}>
          {brand.name}
        </Text>
        <Text size="xs" c="dimmed">
          <FormattedMessage id="components.brand_mark.powered_by" defaultMessage="powered by {product}" values={{ product: brand.powered_by }} />
        </Text>
      </div>
    </Group>
  );
}
