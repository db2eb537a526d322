/**
 * Operator: add a partner by hand (one signed on the phone, or moved from another system) — its
 * profile, what it may do, its first owner (invited by e-mail), optionally the settings of an existing
 * partner to start from and the plans it may offer. It is active at once, as an approved application
 * is; the owner's invitation link is shown once.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, Group, MultiSelect, Paper, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconArrowLeft, IconCheck } from '@tabler/icons-react';
import { api } from '../../api/index.ts';
import { partnerOpsApi, type CreatedPartner, type NewPartnerBody } from '../../api/partnerOps.ts';
import { plansApi } from '../../api/plans.ts';
import { partnerKeys } from '../../api/keys/partners.ts';
import { planKeys } from '../../api/keys/plans.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { email, required, useApiForm, webAddress } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { CapabilityChecks } from './PartnerConfiguration/AccessTab.tsx';

interface Values {
  name: string;
  slug: string;
  contact_email: string;
  website: string;
  description: string;
  capabilities: string[];
  owner_email: string;
  template: string | null;
  plans: string[];
}

const blank = (s: string) => (s.trim() ? s.trim() : undefined);

export function NewPartnerPage() {
  const [made, setMade] = useState<CreatedPartner | null>(null);
  const partners = useApiQuery(partnerKeys.list({ status: 'active', limit: 200 }), () => api.partners.list({ status: 'active', limit: 200 }));
  const plans = useApiQuery(planKeys.catalog, () => plansApi.catalog());
  const create = useApiMutation((body: NewPartnerBody) => partnerOpsApi.create(body), { success: (r) => `${r.partner.name} is active.`, onDone: setMade });
  const form = useApiForm<Values>(
    {
      initialValues: { name: '', slug: '', contact_email: '', website: '', description: '', capabilities: [], owner_email: '', template: null, plans: [] },
      validate: {
        name: (v) => required(v, 'Enter the partner’s name.'),
        contact_email: (v) => required(v, 'Enter the address the platform writes to.') ?? email(v),
        website: (v) => webAddress(v),
        capabilities: (v) => required(v, 'Pick at least one thing this partner may do.'),
        owner_email: (v) => required(v, 'Enter the e-mail address of its first owner.') ?? email(v),
      },
    },
    create,
  );
  const submit = (v: Values) =>
    create.run({
      name: v.name.trim(),
      slug: blank(v.slug),
      contact_email: v.contact_email.trim(),
      website: blank(v.website),
      description: blank(v.description),
      capabilities: v.capabilities as NewPartnerBody['capabilities'],
      owner: { email: v.owner_email.trim() },
      configuration_template: v.template ?? undefined,
      plans: v.plans.length ? v.plans.map((plan) => ({ plan })) : undefined,
    });

  return (
    <>
      <Anchor component={Link} to="/operator/partners" size="sm" mb="xs" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} /> All partners
      </Anchor>
      <PageHeader title="Add a partner" description="For a partner you signed yourself or are moving from another system. It is active at once, as if you had approved its application, and its first owner is invited by e-mail." />
      {made ? (
        <Paper withBorder p="lg" radius="md" maw={760} data-testid="partner-made">
          <Stack>
            <Group gap="xs">
              <IconCheck size={20} color="var(--mantine-color-teal-7)" aria-hidden />
              <Title order={3}>{made.partner.name} is active</Title>
            </Group>
            <Text size="sm">
              Partnergate e-mailed an invitation to <b>{made.invitation.email}</b>. When they accept it they become the partner’s first owner and can invite their team.
            </Text>
            <OneTimeSecret label="Invitation link" value={made.invitation.url} hint="This link is shown only once. You can also hand it over yourself; it works once." />
            <Group>
              <Button component={Link} to={`/operator/partners/${made.partner.id}`}>
                Open {made.partner.name}
              </Button>
              <Button
                variant="default"
                onClick={() => {
                  setMade(null);
                  form.reset();
                }}
              >
                Add another partner
              </Button>
            </Group>
          </Stack>
        </Paper>
      ) : (
        <form noValidate onSubmit={form.submit(submit)}>
          <Stack maw={760}>
            <Paper withBorder p="lg" radius="md">
              <Stack>
                <Title order={3} size="h4">
                  Profile
                </Title>
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput label="Name" withAsterisk {...form.getInputProps('name')} />
                  <TextInput label="Short name in addresses" description="Lowercase letters, digits and dashes; made from the name when empty" placeholder="fabrikam-msp" {...form.getInputProps('slug')} />
                  <TextInput label="Contact e-mail" type="email" withAsterisk {...form.getInputProps('contact_email')} />
                  <TextInput label="Website" placeholder="https://…" {...form.getInputProps('website')} />
                </SimpleGrid>
                <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
              </Stack>
            </Paper>
            <Paper withBorder p="lg" radius="md">
              <CapabilityChecks value={form.values.capabilities} onChange={(v) => form.setFieldValue('capabilities', v)} error={form.errors.capabilities as string | undefined} required />
            </Paper>
            <Paper withBorder p="lg" radius="md">
              <Stack>
                <Title order={3} size="h4">
                  First owner and starting point
                </Title>
                <TextInput label="First owner’s e-mail" description="This person is invited by e-mail to run the partner’s account" type="email" withAsterisk {...form.getInputProps('owner_email')} />
                <Select
                  label="Start from the settings of"
                  description="Copies that partner’s configuration (features, roles, sign-in rules, limits, allowed addresses); leave empty for the platform’s defaults"
                  placeholder="The platform’s defaults"
                  clearable
                  searchable
                  data={(partners.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
                  {...form.getInputProps('template')}
                />
                <MultiSelect
                  label="Plans it may offer"
                  description="At each plan’s own price; you can widen the price range later"
                  placeholder={plans.data?.data.length ? 'Pick plans' : 'The catalog has no plans yet'}
                  searchable
                  data={(plans.data?.data ?? []).filter((p) => p.status === 'active').map((p) => ({ value: p.id, label: p.name }))}
                  {...form.getInputProps('plans')}
                />
              </Stack>
            </Paper>
            <ErrorAlert error={create.error} title="The partner was not added" />
            <Group justify="flex-end">
              <Button variant="default" component={Link} to="/operator/partners">
                Cancel
              </Button>
              <Button type="submit" loading={create.busy}>
                Add partner
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </>
  );
}
