/** The public partner application form (POST /api/v1/partner-applications). */
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Checkbox, Divider, Group, PasswordInput, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { api, CAPABILITIES, type Capability, type PartnerDto } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { CAPABILITY_INFO, slugify } from '../../components/format.ts';
import { useApiMutation } from '../../query/query.ts';
import { email, required, useApiForm, webAddress } from '../../query/form.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

/** the names of the fields as the server's refusal names them */
const FIELD_LABELS = defineMessages({
  name: { id: 'apply.field.name', defaultMessage: 'Organization name' },
  slug: { id: 'apply.field.slug', defaultMessage: 'Short name' },
  website: { id: 'apply.field.website', defaultMessage: 'Website' },
  contact_email: { id: 'apply.field.contact_email', defaultMessage: 'Contact email' },
  description: { id: 'apply.field.description', defaultMessage: 'Description' },
  'owner.name': { id: 'apply.field.owner_name', defaultMessage: 'Your name' },
  'owner.email': { id: 'apply.field.owner_email', defaultMessage: 'Your email' },
  'owner.password': { id: 'apply.field.owner_password', defaultMessage: 'Password' },
  password: { id: 'apply.field.password', defaultMessage: 'Password' },
});

const m = defineMessages({
  nameRequired: { id: 'apply.validation.name_required', defaultMessage: 'Enter your organization’s name.' },
  websiteInvalid: { id: 'apply.validation.website_invalid', defaultMessage: 'Enter a web address that starts with https:// or http://.' },
  contactRequired: { id: 'apply.validation.contact_required', defaultMessage: 'Enter an email address the operator can reach you at.' },
  emailInvalid: { id: 'apply.validation.email_invalid', defaultMessage: 'Enter an email address like name@example.com.' },
  ownerNameRequired: { id: 'apply.validation.owner_name_required', defaultMessage: 'Enter your name.' },
  ownerEmailRequired: { id: 'apply.validation.owner_email_required', defaultMessage: 'Enter the email address you will log in with.' },
  passwordRequired: { id: 'apply.validation.password_required', defaultMessage: 'Choose a password.' },
  tooShort: { id: 'apply.validation.too_short', defaultMessage: 'Use at least 10 characters.' },
  differ: { id: 'apply.validation.differ', defaultMessage: 'The two passwords differ.' },
  doneTitle: { id: 'apply.done.title', defaultMessage: 'Application sent' },
  doneAlertTitle: { id: 'apply.done.alert_title', defaultMessage: 'Check your e-mail' },
  doneBody: {
    id: 'apply.done.body',
    defaultMessage:
      'Thank you for applying with <b>{partner}</b>. We sent a message to <b>{email}</b> that says what happens next. A platform operator reviews every application; once it is approved you can invite your team and start working with customers.',
  },
  spam: { id: 'apply.done.spam', defaultMessage: 'If no message arrives within a few minutes, look in your spam folder.' },
  goToLogin: { id: 'apply.done.go_to_login', defaultMessage: 'Go to log in' },
  title: { id: 'apply.title', defaultMessage: 'Apply as a partner' },
  subtitle: { id: 'apply.subtitle', defaultMessage: 'Tell us about your organization. A platform operator reviews the application and decides which capabilities to grant.' },
  requiredNote: { id: 'apply.required_note', defaultMessage: 'Fields marked * are required.' },
  organization: { id: 'apply.section.organization', defaultMessage: 'Your organization' },
  nameLabel: { id: 'apply.name.label', defaultMessage: 'Organization name' },
  slugLabel: { id: 'apply.slug.label', defaultMessage: 'Short name (slug)' },
  slugHint: { id: 'apply.slug.hint', defaultMessage: 'Lowercase letters, digits and dashes; used in links.' },
  websiteLabel: { id: 'apply.website.label', defaultMessage: 'Website' },
  websitePlaceholder: { id: 'apply.website.placeholder', defaultMessage: 'https://example.com' },
  contactLabel: { id: 'apply.contact_email.label', defaultMessage: 'Contact email' },
  descriptionLabel: { id: 'apply.description.label', defaultMessage: 'What do you do?' },
  descriptionHint: { id: 'apply.description.hint', defaultMessage: 'Optional: your services and the customers you work with.' },
  capabilitiesLabel: { id: 'apply.capabilities.label', defaultMessage: 'Capabilities you are asking for' },
  capabilitiesHint: { id: 'apply.capabilities.hint', defaultMessage: 'The operator decides what to grant.' },
  account: { id: 'apply.section.account', defaultMessage: 'Your account (the partner owner)' },
  ownerNameLabel: { id: 'apply.owner_name.label', defaultMessage: 'Your name' },
  ownerEmailLabel: { id: 'apply.owner_email.label', defaultMessage: 'Your email' },
  passwordLabel: { id: 'apply.password.label', defaultMessage: 'Password' },
  passwordHint: { id: 'apply.password.hint', defaultMessage: 'At least 10 characters.' },
  repeatLabel: { id: 'apply.password2.label', defaultMessage: 'Repeat the password' },
  repeatHint: { id: 'apply.password2.hint', defaultMessage: 'Type it again to avoid typos.' },
  notSent: { id: 'apply.not_sent', defaultMessage: 'The application was not sent' },
  haveAccount: { id: 'apply.have_account', defaultMessage: 'Already have an account? Log in' },
  submit: { id: 'apply.submit', defaultMessage: 'Send application' },
});

interface ApplyValues {
  name: string;
  slug: string;
  website: string;
  contact_email: string;
  description: string;
  requested_capabilities: string[];
  owner: { name: string; email: string; password: string };
  password2: string;
}

export function ApplyPage() {
  const intl = useIntl();
  const [slugTouched, setSlugTouched] = useState(false);
  const [done, setDone] = useState<{ partner: PartnerDto; email: string } | null>(null);
  const apply = useApiMutation(api.partners.apply);
  const form = useApiForm<ApplyValues>(
    {
      initialValues: { name: '', slug: '', website: '', contact_email: '', description: '', requested_capabilities: [], owner: { name: '', email: '', password: '' }, password2: '' },
      validate: {
        name: (v) => required(v, intl.formatMessage(m.nameRequired)),
        website: (v) => webAddress(v, intl.formatMessage(m.websiteInvalid)),
        contact_email: (v) => required(v, intl.formatMessage(m.contactRequired)) ?? email(v, intl.formatMessage(m.emailInvalid)),
        owner: {
          name: (v) => required(v, intl.formatMessage(m.ownerNameRequired)),
          email: (v) => required(v, intl.formatMessage(m.ownerEmailRequired)) ?? email(v, intl.formatMessage(m.emailInvalid)),
          password: (v) => required(v, intl.formatMessage(m.passwordRequired)) ?? (v.length < 10 ? intl.formatMessage(m.tooShort) : undefined),
        },
        password2: (v, values) => (v !== values.owner.password ? intl.formatMessage(m.differ) : undefined),
      },
    },
    apply,
  );

  const fieldLabels: Record<string, string> = Object.fromEntries(Object.entries(FIELD_LABELS).map(([k, d]) => [k, intl.formatMessage(d)]));

  const submit = async (v: ApplyValues) => {
    const r = await apply.run({
      name: v.name.trim(),
      slug: v.slug.trim() || undefined,
      website: v.website.trim() || undefined,
      contact_email: v.contact_email.trim(),
      description: v.description.trim() || undefined,
      requested_capabilities: v.requested_capabilities as Capability[],
      owner: { name: v.owner.name.trim(), email: v.owner.email.trim(), password: v.owner.password },
    });
    if (r) setDone({ partner: r.partner, email: v.owner.email.trim() });
  };

  if (done) {
    return (
      <PublicLayout title={intl.formatMessage(m.doneTitle)} width={560}>
        <Stack>
          {/* the same answer whether or not the address already has an account: the message says which it was */}
          <Alert color="teal" icon={<IconCircleCheck size={20} />} title={intl.formatMessage(m.doneAlertTitle)}>
            <FormattedMessage {...m.doneBody} values={{ partner: done.partner.name, email: done.email, b: (chunks) => <b>{chunks}</b> }} />
          </Alert>
          <Text size="sm">{intl.formatMessage(m.spam)}</Text>
          <Button component={Link} to="/login">
            {intl.formatMessage(m.goToLogin)}
          </Button>
        </Stack>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout
      title={intl.formatMessage(m.title)}
      width={720}
      subtitle={intl.formatMessage(m.subtitle)}
    >
      <form noValidate onSubmit={form.submit(submit)}>
        <Stack>
          <Text size="xs" c="dimmed">
            {intl.formatMessage(m.requiredNote)}
          </Text>
          <Title order={3} size="h4">{intl.formatMessage(m.organization)}</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={intl.formatMessage(m.nameLabel)}
              withAsterisk
              {...form.getInputProps('name')}
              onChange={(e) => {
                const v = e.currentTarget.value;
                form.setFieldValue('name', v);
                if (!slugTouched) form.setFieldValue('slug', slugify(v));
              }}
            />
            <TextInput
              label={intl.formatMessage(m.slugLabel)}
              description={intl.formatMessage(m.slugHint)}
              {...form.getInputProps('slug')}
              onChange={(e) => {
                setSlugTouched(true);
                form.setFieldValue('slug', e.currentTarget.value);
              }}
            />
            <TextInput label={intl.formatMessage(m.websiteLabel)} placeholder={intl.formatMessage(m.websitePlaceholder)} {...form.getInputProps('website')} />
            <TextInput label={intl.formatMessage(m.contactLabel)} type="email" withAsterisk {...form.getInputProps('contact_email')} />
          </SimpleGrid>
          <Textarea label={intl.formatMessage(m.descriptionLabel)} description={intl.formatMessage(m.descriptionHint)} autosize minRows={2} {...form.getInputProps('description')} />
          <Checkbox.Group label={intl.formatMessage(m.capabilitiesLabel)} description={intl.formatMessage(m.capabilitiesHint)} {...form.getInputProps('requested_capabilities')}>
            <Stack gap="xs" mt="xs">
              {CAPABILITIES.map((c) => (
                <Checkbox key={c} value={c} label={CAPABILITY_INFO[c].label} description={CAPABILITY_INFO[c].description} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Divider />
          <Title order={3} size="h4">{intl.formatMessage(m.account)}</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={intl.formatMessage(m.ownerNameLabel)} withAsterisk {...form.getInputProps('owner.name')} />
            <TextInput label={intl.formatMessage(m.ownerEmailLabel)} type="email" autoComplete="username" withAsterisk {...form.getInputProps('owner.email')} />
            <PasswordInput
              label={intl.formatMessage(m.passwordLabel)}
              description={intl.formatMessage(m.passwordHint)}
              autoComplete="new-password"
              withAsterisk
              {...form.getInputProps('owner.password')}
              error={form.errors['owner.password'] ?? form.errors.password}
            />
            <PasswordInput label={intl.formatMessage(m.repeatLabel)} description={intl.formatMessage(m.repeatHint)} autoComplete="new-password" withAsterisk {...form.getInputProps('password2')} />
          </SimpleGrid>
          <ErrorAlert error={apply.error} title={intl.formatMessage(m.notSent)} labels={fieldLabels} />
          <Group justify="space-between">
            <Anchor component={Link} to="/login" size="sm">
              {intl.formatMessage(m.haveAccount)}
            </Anchor>
            <Button type="submit" loading={apply.busy}>
              {intl.formatMessage(m.submit)}
            </Button>
          </Group>
        </Stack>
      </form>
    </PublicLayout>
  );
}
