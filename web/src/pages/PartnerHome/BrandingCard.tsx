/**
 * A partner's brand: the name shown, two colours and the logo its people and (where the operator
 * allows it) its customers see — in the portal, on the consent screen, in e-mails and on invoices.
 * The owner and the operator change it; a colour that is hard to read on white is refused with the
 * reason next to the field. The operator alone switches the brand off for the partner's customers.
 */
import { useEffect, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { Alert, Badge, Box, Button, ColorInput, FileInput, Group, Image, Paper, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconPhoto, IconTrash } from '@tabler/icons-react';
import { brandingApi, type PartnerBrand } from '../../api/partnerOps.ts';
import { brandingKeys } from '../../api/keys/branding.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  title: { id: 'partner_home.brand.title', defaultMessage: 'Brand' },
  intro: {
    id: 'partner_home.brand.intro',
    defaultMessage: 'What your people and customers see: in this portal, when a customer connects one of your apps, in e-mails and on invoices — always with “powered by Partnergate”.',
  },
  offTitle: { id: 'partner_home.brand.off.title', defaultMessage: 'Customers do not see this brand' },
  offText: {
    id: 'partner_home.brand.off.text',
    defaultMessage: 'The platform operator switched your brand off for your customers{hasReason, select, yes {: {reason}} other {}}. Your own people still see it.',
  },
  saved: { id: 'partner_home.brand.saved', defaultMessage: 'Brand saved.' },
  primaryInvalid: { id: 'partner_home.brand.primary_invalid', defaultMessage: 'Write the colour as # and six hex digits, like #1864ab.' },
  accentInvalid: { id: 'partner_home.brand.accent_invalid', defaultMessage: 'Write the colour as # and six hex digits, like #2f9e44.' },
  nameShown: { id: 'partner_home.brand.name_shown', defaultMessage: 'Name shown' },
  insteadOf: { id: 'partner_home.brand.name_shown.help', defaultMessage: 'Instead of “{name}”' },
  primary: { id: 'partner_home.brand.primary', defaultMessage: 'Main colour' },
  primaryHelp: { id: 'partner_home.brand.primary.help', defaultMessage: 'Buttons and links; needs 4.5:1 contrast with white' },
  accent: { id: 'partner_home.brand.accent', defaultMessage: 'Accent colour' },
  accentHelp: { id: 'partner_home.brand.accent.help', defaultMessage: 'Lines and bars; needs 3:1 contrast with white' },
  notSaved: { id: 'partner_home.brand.not_saved', defaultMessage: 'The brand was not saved' },
  save: { id: 'partner_home.brand.save', defaultMessage: 'Save brand' },
  logoSaved: { id: 'partner_home.brand.logo.saved', defaultMessage: 'Logo saved.' },
  logoRemoved: { id: 'partner_home.brand.logo.removed', defaultMessage: 'Logo removed.' },
  logo: { id: 'partner_home.brand.logo', defaultMessage: 'Logo' },
  logoAlt: { id: 'partner_home.brand.logo.alt', defaultMessage: '{name} logo' },
  noLogo: { id: 'partner_home.brand.logo.none', defaultMessage: 'No logo yet' },
  upload: { id: 'partner_home.brand.logo.upload', defaultMessage: 'Upload a logo' },
  uploadHelp: { id: 'partner_home.brand.logo.upload.help', defaultMessage: 'PNG, JPEG or WebP, at most 256 KB and 1024 × 1024 pixels' },
  removeLogo: { id: 'partner_home.brand.logo.remove', defaultMessage: 'Remove the logo' },
  logoNotSaved: { id: 'partner_home.brand.logo.not_saved', defaultMessage: 'The logo was not saved' },
  shownAgain: { id: 'partner_home.brand.customers.shown_again', defaultMessage: 'Customers see this partner’s brand again.' },
  platformLook: { id: 'partner_home.brand.customers.platform_look', defaultMessage: 'Customers now see the platform’s look.' },
  showToCustomers: { id: 'partner_home.brand.customers.switch', defaultMessage: 'Show this brand to the partner’s customers' },
  customersSeeIt: { id: 'partner_home.brand.customers.see_it', defaultMessage: 'Customers see it' },
  customersSeePlatform: { id: 'partner_home.brand.customers.see_platform', defaultMessage: 'Customers see the platform’s look' },
  reason: { id: 'partner_home.brand.customers.reason', defaultMessage: 'Reason, if you switch it off' },
  reasonHelp: { id: 'partner_home.brand.customers.reason.help', defaultMessage: 'Shown to the partner' },
});

export function BrandingCard({ partnerId, canEdit, operator = false }: { partnerId: string; canEdit: boolean; operator?: boolean }) {
  const intl = useIntl();
  const brand = useApiQuery(brandingKeys.partner(partnerId), () => brandingApi.get(partnerId));
  const b = brand.data;
  return (
    <Paper withBorder p="lg" radius="md" data-testid="partner-branding">
      <Stack>
        <div>
          <Title order={2} size="h4">
            <FormattedMessage {...m.title} />
          </Title>
          <Text size="sm" c="dimmed">
            <FormattedMessage {...m.intro} />
          </Text>
        </div>
        <ErrorAlert error={brand.error} />
        {b && (
          <>
            {b.customer_branding === 'off' && (
              <Alert color="orange" title={intl.formatMessage(m.offTitle)}>
                <FormattedMessage {...m.offText} values={{ hasReason: b.customer_branding_reason ? 'yes' : 'no', reason: b.customer_branding_reason ?? '' }} />
              </Alert>
            )}
            <BrandForm brand={b} canEdit={canEdit} onSaved={brand.setData} />
            <LogoField brand={b} canEdit={canEdit} onSaved={brand.setData} />
            {operator && <CustomerSwitch brand={b} onSaved={brand.setData} />}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function BrandForm({ brand, canEdit, onSaved }: { brand: PartnerBrand; canEdit: boolean; onSaved(b: PartnerBrand): void }) {
  const intl = useIntl();
  const save = useApiMutation((v: { display_name: string; primary_color: string; accent_color: string }) => brandingApi.update(brand.partner_id, { display_name: v.display_name.trim() || null, primary_color: v.primary_color || null, accent_color: v.accent_color || null }), {
    success: intl.formatMessage(m.saved),
    onDone: onSaved,
  });
  const initial = { display_name: brand.display_name ?? '', primary_color: brand.primary_color ?? '', accent_color: brand.accent_color ?? '' };
  const form = useApiForm(
    {
      initialValues: initial,
      validate: {
        primary_color: (v: string) => (!v || /^#[0-9a-fA-F]{6}$/.test(v) ? undefined : intl.formatMessage(m.primaryInvalid)), accent_color: (v: string) => (!v || /^#[0-9a-fA-F]{6}$/.test(v) ? undefined : intl.formatMessage(m.accentInvalid)),
      },
    },
    save,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: when the saved brand changes
  useEffect(() => form.setValues(initial), [brand.updated_at]);
  return (
    <form noValidate onSubmit={form.submit((v) => save.run(v))}>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={intl.formatMessage(m.nameShown)} description={intl.formatMessage(m.insteadOf, { name: brand.partner_name })} placeholder={brand.partner_name} disabled={!canEdit} {...form.getInputProps('display_name')} />
          <ColorInput label={intl.formatMessage(m.primary)} description={intl.formatMessage(m.primaryHelp)} format="hex" withEyeDropper={false} withPicker={false} disabled={!canEdit} {...form.getInputProps('primary_color')} />
          <ColorInput label={intl.formatMessage(m.accent)} description={intl.formatMessage(m.accentHelp)} format="hex" withEyeDropper={false} withPicker={false} disabled={!canEdit} {...form.getInputProps('accent_color')} />
        </SimpleGrid>
        <ErrorAlert error={save.error} title={intl.formatMessage(m.notSaved)} />
        {canEdit && (
          <Group justify="flex-end">
            <Button type="submit" loading={save.busy}>
              <FormattedMessage {...m.save} />
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

function LogoField({ brand, canEdit, onSaved }: { brand: PartnerBrand; canEdit: boolean; onSaved(b: PartnerBrand): void }) {
  const intl = useIntl();
  const [file, setFile] = useState<File | null>(null);
  const upload = useApiMutation(
    async (f: File) => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      let bin = '';
      for (const x of bytes) bin += String.fromCharCode(x);
      return brandingApi.uploadLogo(brand.partner_id, btoa(bin));
    },
    { success: intl.formatMessage(m.logoSaved), onDone: (b) => { setFile(null); onSaved(b); } },
  );
  const remove = useApiMutation(() => brandingApi.removeLogo(brand.partner_id), { success: intl.formatMessage(m.logoRemoved), onDone: onSaved });
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm">
        <FormattedMessage {...m.logo} />
      </Text>
      <Group align="flex-end" wrap="wrap">
        <Box w={180} h={64} style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 8 }}>
          {brand.logo ? <Image src={brand.logo.url} alt={intl.formatMessage(m.logoAlt, { name: brand.display_name ?? brand.partner_name })} h={44} w="auto" fit="contain" /> : (
            <Text size="xs" c="dimmed">
              <FormattedMessage {...m.noLogo} />
            </Text>
          )}
        </Box>
        {canEdit && (
          <>
            <FileInput
              label={intl.formatMessage(m.upload)}
              description={intl.formatMessage(m.uploadHelp)}
              accept="image/png,image/jpeg,image/webp"
              leftSection={<IconPhoto size={16} />}
              value={file}
              onChange={(f) => {
                setFile(f);
                upload.reset();
                if (f) void upload.run(f);
              }}
              w={300}
              maw="100%"
            />
            {brand.logo && (
              <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} loading={remove.busy} onClick={() => void remove.run()}>
                <FormattedMessage {...m.removeLogo} />
              </Button>
            )}
          </>
        )}
      </Group>
      <ErrorAlert error={upload.error} title={intl.formatMessage(m.logoNotSaved)} />
    </Stack>
  );
}

function CustomerSwitch({ brand, onSaved }: { brand: PartnerBrand; onSaved(b: PartnerBrand): void }) {
  const intl = useIntl();
  const [reason, setReason] = useState('');
  const allowed = brand.customer_branding === 'allowed';
  const set = useApiMutation((on: boolean) => brandingApi.setCustomerBranding(brand.partner_id, on, on ? undefined : reason.trim() || undefined), {
    success: (b) => intl.formatMessage(b.customer_branding === 'allowed' ? m.shownAgain : m.platformLook),
    onDone: onSaved,
  });
  return (
    <Paper withBorder p="md" radius="md" bg="gray.0">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Switch checked={allowed} onChange={(e) => void set.run(e.currentTarget.checked)} label={intl.formatMessage(m.showToCustomers)} disabled={set.busy} />
          <Badge color={allowed ? 'teal' : 'gray'} variant="light">
            {intl.formatMessage(allowed ? m.customersSeeIt : m.customersSeePlatform)}
          </Badge>
        </Group>
        {allowed && <TextInput label={intl.formatMessage(m.reason)} description={intl.formatMessage(m.reasonHelp)} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />}
        <ErrorAlert error={set.error} />
      </Stack>
    </Paper>
  );
}
