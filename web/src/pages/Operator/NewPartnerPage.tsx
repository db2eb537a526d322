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
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  isActiveNotice: { id: 'operator.new_partner.done', defaultMessage: '{name} is active.' },
  nameRequired: { id: 'operator.new_partner.name_required', defaultMessage: 'Enter the partner’s name.' },
  contactRequired: { id: 'operator.new_partner.contact_required', defaultMessage: 'Enter the address the platform writes to.' },
  pickOne: { id: 'operator.new_partner.pick_one', defaultMessage: 'Pick at least one thing this partner may do.' },
  ownerRequired: { id: 'operator.new_partner.owner_required', defaultMessage: 'Enter the e-mail address of its first owner.' },
  allPartners: { id: 'operator.new_partner.back', defaultMessage: 'All partners' },
  title: { id: 'operator.new_partner.title', defaultMessage: 'Add a partner' },
  description: {
    id: 'operator.new_partner.description',
    defaultMessage: 'For a partner you signed yourself or are moving from another system. It is active at once, as if you had approved its application, and its first owner is invited by e-mail.',
  },
  isActive: { id: 'operator.new_partner.made.title', defaultMessage: '{name} is active' },
  invited: {
    id: 'operator.new_partner.made.invited',
    defaultMessage: 'Partnergate e-mailed an invitation to <b>{email}</b>. When they accept it they become the partner’s first owner and can invite their team.',
  },
  invitationLink: { id: 'operator.new_partner.made.link', defaultMessage: 'Invitation link' },
  linkHint: { id: 'operator.new_partner.made.link_hint', defaultMessage: 'This link is shown only once. You can also hand it over yourself; it works once.' },
  open: { id: 'operator.new_partner.made.open', defaultMessage: 'Open {name}' },
  another: { id: 'operator.new_partner.made.another', defaultMessage: 'Add another partner' },
  profile: { id: 'operator.new_partner.profile', defaultMessage: 'Profile' },
  name: { id: 'operator.new_partner.name', defaultMessage: 'Name' },
  slug: { id: 'operator.new_partner.slug', defaultMessage: 'Short name in addresses' },
  slugDescription: { id: 'operator.new_partner.slug.description', defaultMessage: 'Lowercase letters, digits and dashes; made from the name when empty' },
  slugPlaceholder: { id: 'operator.new_partner.slug.placeholder', defaultMessage: 'fabrikam-msp' },
  contact: { id: 'operator.new_partner.contact', defaultMessage: 'Contact e-mail' },
  website: { id: 'operator.new_partner.website', defaultMessage: 'Website' },
  websitePlaceholder: { id: 'operator.new_partner.website.placeholder', defaultMessage: 'https://…' },
  descriptionLabel: { id: 'operator.new_partner.description_field', defaultMessage: 'Description' },
  ownerTitle: { id: 'operator.new_partner.owner.title', defaultMessage: 'First owner and starting point' },
  owner: { id: 'operator.new_partner.owner', defaultMessage: 'First owner’s e-mail' },
  ownerDescription: { id: 'operator.new_partner.owner.description', defaultMessage: 'This person is invited by e-mail to run the partner’s account' },
  template: { id: 'operator.new_partner.template', defaultMessage: 'Start from the settings of' },
  templateDescription: {
    id: 'operator.new_partner.template.description',
    defaultMessage: 'Copies that partner’s configuration (features, roles, sign-in rules, limits, allowed addresses); leave empty for the platform’s defaults',
  },
  templatePlaceholder: { id: 'operator.new_partner.template.placeholder', defaultMessage: 'The platform’s defaults' },
  plans: { id: 'operator.new_partner.plans', defaultMessage: 'Plans it may offer' },
  plansDescription: { id: 'operator.new_partner.plans.description', defaultMessage: 'At each plan’s own price; you can widen the price range later' },
  pickPlans: { id: 'operator.new_partner.plans.placeholder', defaultMessage: 'Pick plans' },
  noPlans: { id: 'operator.new_partner.plans.none', defaultMessage: 'The catalog has no plans yet' },
  failed: { id: 'operator.new_partner.failed', defaultMessage: 'The partner was not added' },
  cancel: { id: 'operator.new_partner.cancel', defaultMessage: 'Cancel' },
  submit: { id: 'operator.new_partner.submit', defaultMessage: 'Add partner' },
});

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
  const intl = useIntl();
  const [made, setMade] = useState<CreatedPartner | null>(null);
  const partners = useApiQuery(partnerKeys.list({ status: 'active', limit: 200 }), () => api.partners.list({ status: 'active', limit: 200 }));
  const plans = useApiQuery(planKeys.catalog, () => plansApi.catalog());
  const create = useApiMutation((body: NewPartnerBody) => partnerOpsApi.create(body), { success: (r) => intl.formatMessage(m.isActiveNotice, { name: r.partner.name }), onDone: setMade });
  const form = useApiForm<Values>(
    {
      initialValues: { name: '', slug: '', contact_email: '', website: '', description: '', capabilities: [], owner_email: '', template: null, plans: [] },
      validate: {
        name: (v) => required(v, intl.formatMessage(m.nameRequired)),
        contact_email: (v) => required(v, intl.formatMessage(m.contactRequired)) ?? email(v, intl),
        website: (v) => webAddress(v, intl),
        capabilities: (v) => required(v, intl.formatMessage(m.pickOne)),
        owner_email: (v) => required(v, intl.formatMessage(m.ownerRequired)) ?? email(v, intl),
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
        <IconArrowLeft size={14} /> <FormattedMessage {...m.allPartners} />
      </Anchor>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      {made ? (
        <Paper withBorder p="lg" radius="md" maw={760} data-testid="partner-made">
          <Stack>
            <Group gap="xs">
              <IconCheck size={20} color="var(--mantine-color-teal-7)" aria-hidden />
              <Title order={2} size="h3">
                <FormattedMessage {...m.isActive} values={{ name: made.partner.name }} />
              </Title>
            </Group>
            <Text size="sm">
              <FormattedMessage {...m.invited} values={{ email: made.invitation.email, b: (chunks) => <b>{chunks}</b> }} />
            </Text>
            <OneTimeSecret label={intl.formatMessage(m.invitationLink)} value={made.invitation.url} hint={intl.formatMessage(m.linkHint)} />
            <Group>
              <Button component={Link} to={`/operator/partners/${made.partner.id}`}>
                <FormattedMessage {...m.open} values={{ name: made.partner.name }} />
              </Button>
              <Button
                variant="default"
                onClick={() => {
                  setMade(null);
                  form.reset();
                }}
              >
                <FormattedMessage {...m.another} />
              </Button>
            </Group>
          </Stack>
        </Paper>
      ) : (
        <form noValidate onSubmit={form.submit(submit)}>
          <Stack maw={760}>
            <Paper withBorder p="lg" radius="md">
              <Stack>
                <Title order={2} size="h4">
                  <FormattedMessage {...m.profile} />
                </Title>
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput label={intl.formatMessage(m.name)} withAsterisk {...form.getInputProps('name')} />
                  <TextInput
                    label={intl.formatMessage(m.slug)}
                    description={intl.formatMessage(m.slugDescription)}
                    placeholder={intl.formatMessage(m.slugPlaceholder)}
                    {...form.getInputProps('slug')}
                  />
                  <TextInput label={intl.formatMessage(m.contact)} type="email" withAsterisk {...form.getInputProps('contact_email')} />
                  <TextInput label={intl.formatMessage(m.website)} placeholder={intl.formatMessage(m.websitePlaceholder)} {...form.getInputProps('website')} />
                </SimpleGrid>
                <Textarea label={intl.formatMessage(m.descriptionLabel)} autosize minRows={2} {...form.getInputProps('description')} />
              </Stack>
            </Paper>
            <Paper withBorder p="lg" radius="md">
              <CapabilityChecks value={form.values.capabilities} onChange={(v) => form.setFieldValue('capabilities', v)} error={form.errors.capabilities as string | undefined} required />
            </Paper>
            <Paper withBorder p="lg" radius="md">
              <Stack>
                <Title order={2} size="h4">
                  <FormattedMessage {...m.ownerTitle} />
                </Title>
                <TextInput
                  label={intl.formatMessage(m.owner)}
                  description={intl.formatMessage(m.ownerDescription)}
                  type="email"
                  withAsterisk
                  {...form.getInputProps('owner_email')}
                />
                <Select
                  label={intl.formatMessage(m.template)}
                  description={intl.formatMessage(m.templateDescription)}
                  placeholder={intl.formatMessage(m.templatePlaceholder)}
                  clearable
                  searchable
                  data={(partners.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
                  {...form.getInputProps('template')}
                />
                <MultiSelect
                  label={intl.formatMessage(m.plans)}
                  description={intl.formatMessage(m.plansDescription)}
                  placeholder={intl.formatMessage(plans.data?.data.length ? m.pickPlans : m.noPlans)}
                  searchable
                  data={(plans.data?.data ?? []).filter((p) => p.status === 'active').map((p) => ({ value: p.id, label: p.name }))}
                  {...form.getInputProps('plans')}
                />
              </Stack>
            </Paper>
            <ErrorAlert error={create.error} title={intl.formatMessage(m.failed)} />
            <Group justify="flex-end">
              <Button variant="default" component={Link} to="/operator/partners">
                <FormattedMessage {...m.cancel} />
              </Button>
              <Button type="submit" loading={create.busy}>
                <FormattedMessage {...m.submit} />
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </>
  );
}
