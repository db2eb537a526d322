/**
 * A partner's brand: the name shown, two colours and the logo its people and (where the operator
 * allows it) its customers see — in the portal, on the consent screen, in e-mails and on invoices.
 * The owner and the operator change it; a colour that is hard to read on white is refused with the
 * reason next to the field. The operator alone switches the brand off for the partner's customers.
 */
import { useEffect, useState } from 'react';
import { Alert, Badge, Box, Button, ColorInput, FileInput, Group, Image, Paper, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconPhoto, IconTrash } from '@tabler/icons-react';
import { brandingApi, type PartnerBrand } from '../../api/partnerOps.ts';
import { brandingKeys } from '../../api/keys/branding.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';

export function BrandingCard({ partnerId, canEdit, operator = false }: { partnerId: string; canEdit: boolean; operator?: boolean }) {
  const brand = useApiQuery(brandingKeys.partner(partnerId), () => brandingApi.get(partnerId));
  const b = brand.data;
  return (
    <Paper withBorder p="lg" radius="md" data-testid="partner-branding">
      <Stack>
        <div>
          <Title order={3} size="h4">
            Brand
          </Title>
          <Text size="sm" c="dimmed">
            What your people and customers see: in this portal, when a customer connects one of your apps, in e-mails and on invoices — always with “powered by Partnergate”.
          </Text>
        </div>
        <ErrorAlert error={brand.error} />
        {b && (
          <>
            {b.customer_branding === 'off' && (
              <Alert color="orange" title="Customers do not see this brand">
                The platform operator switched your brand off for your customers{b.customer_branding_reason ? `: ${b.customer_branding_reason}` : ''}. Your own people still see it.
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
  const save = useApiMutation((v: { display_name: string; primary_color: string; accent_color: string }) => brandingApi.update(brand.partner_id, { display_name: v.display_name.trim() || null, primary_color: v.primary_color || null, accent_color: v.accent_color || null }), {
    success: 'Brand saved.',
    onDone: onSaved,
  });
  const initial = { display_name: brand.display_name ?? '', primary_color: brand.primary_color ?? '', accent_color: brand.accent_color ?? '' };
  const form = useApiForm(
    {
      initialValues: initial,
      validate: { primary_color: (v: string) => (!v || /^#[0-9a-fA-F]{6}$/.test(v) ? undefined : 'Write the colour as # and six hex digits, like #1864ab.'), accent_color: (v: string) => (!v || /^#[0-9a-fA-F]{6}$/.test(v) ? undefined : 'Write the colour as # and six hex digits, like #2f9e44.') },
    },
    save,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: when the saved brand changes
  useEffect(() => form.setValues(initial), [brand.updated_at]);
  return (
    <form noValidate onSubmit={form.submit((v) => save.run(v))}>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label="Name shown" description={`Instead of “${brand.partner_name}”`} placeholder={brand.partner_name} disabled={!canEdit} {...form.getInputProps('display_name')} />
          <ColorInput label="Main colour" description="Buttons and links; needs 4.5:1 contrast with white" format="hex" withEyeDropper={false} withPicker={false} disabled={!canEdit} {...form.getInputProps('primary_color')} />
          <ColorInput label="Accent colour" description="Lines and bars; needs 3:1 contrast with white" format="hex" withEyeDropper={false} withPicker={false} disabled={!canEdit} {...form.getInputProps('accent_color')} />
        </SimpleGrid>
        <ErrorAlert error={save.error} title="The brand was not saved" />
        {canEdit && (
          <Group justify="flex-end">
            <Button type="submit" loading={save.busy}>
              Save brand
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

function LogoField({ brand, canEdit, onSaved }: { brand: PartnerBrand; canEdit: boolean; onSaved(b: PartnerBrand): void }) {
  const [file, setFile] = useState<File | null>(null);
  const upload = useApiMutation(
    async (f: File) => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      let bin = '';
      for (const x of bytes) bin += String.fromCharCode(x);
      return brandingApi.uploadLogo(brand.partner_id, btoa(bin));
    },
    { success: 'Logo saved.', onDone: (b) => { setFile(null); onSaved(b); } },
  );
  const remove = useApiMutation(() => brandingApi.removeLogo(brand.partner_id), { success: 'Logo removed.', onDone: onSaved });
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm">
        Logo
      </Text>
      <Group align="flex-end" wrap="wrap">
        <Box w={180} h={64} style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 8 }}>
          {brand.logo ? <Image src={brand.logo.url} alt={`${brand.display_name ?? brand.partner_name} logo`} h={44} w="auto" fit="contain" /> : <Text size="xs" c="dimmed">No logo yet</Text>}
        </Box>
        {canEdit && (
          <>
            <FileInput
              label="Upload a logo"
              description="PNG, JPEG or WebP, at most 256 KB and 1024 × 1024 pixels"
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
                Remove the logo
              </Button>
            )}
          </>
        )}
      </Group>
      <ErrorAlert error={upload.error} title="The logo was not saved" />
    </Stack>
  );
}

function CustomerSwitch({ brand, onSaved }: { brand: PartnerBrand; onSaved(b: PartnerBrand): void }) {
  const [reason, setReason] = useState('');
  const allowed = brand.customer_branding === 'allowed';
  const set = useApiMutation((on: boolean) => brandingApi.setCustomerBranding(brand.partner_id, on, on ? undefined : reason.trim() || undefined), {
    success: (b) => (b.customer_branding === 'allowed' ? 'Customers see this partner’s brand again.' : 'Customers now see the platform’s look.'),
    onDone: onSaved,
  });
  return (
    <Paper withBorder p="md" radius="md" bg="gray.0">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Switch checked={allowed} onChange={(e) => void set.run(e.currentTarget.checked)} label="Show this brand to the partner’s customers" disabled={set.busy} />
          <Badge color={allowed ? 'teal' : 'gray'} variant="light">
            {allowed ? 'Customers see it' : 'Customers see the platform’s look'}
          </Badge>
        </Group>
        {allowed && <TextInput label="Reason, if you switch it off" description="Shown to the partner" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />}
        <ErrorAlert error={set.error} />
      </Stack>
    </Paper>
  );
}
