/**
 * The public sign-up for a new customer organization. A referral code comes from the link (/signup?ref=CODE)
 * or is typed in; a known code shows who referred the visitor, an unknown one says so before anything is sent.
 */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Anchor, Button, Group, PasswordInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle, IconCircleCheck, IconUserHeart } from '@tabler/icons-react';
import { ApiError } from '../../api/errors.ts';
import { programApi } from '../../api/program.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { email, required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { programKeys } from '../../api/keys/program.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

/** the names of the fields as the server's refusal names them */
const LABELS = defineMessages({
  organization_name: { id: 'signup.field.organization_name', defaultMessage: 'Organization name' },
  admin_name: { id: 'signup.field.admin_name', defaultMessage: 'Your name' },
  email: { id: 'signup.field.email', defaultMessage: 'Your email' },
  password: { id: 'signup.field.password', defaultMessage: 'Password' },
  referral_code: { id: 'signup.field.referral_code', defaultMessage: 'Referral code' },
});

const m = defineMessages({
  unknownCode: {
    id: 'signup.referral.unknown',
    defaultMessage: 'We do not know this referral code, or it is no longer in use. Check it with whoever gave it to you, or leave the field empty.',
  },
  nameRequired: { id: 'signup.validation.organization_required', defaultMessage: 'Enter your organization’s name.' },
  adminRequired: { id: 'signup.validation.name_required', defaultMessage: 'Enter your name.' },
  emailRequired: { id: 'signup.validation.email_required', defaultMessage: 'Enter the email address you will log in with.' },
  emailInvalid: { id: 'signup.validation.email_invalid', defaultMessage: 'Enter an email address like name@example.com.' },
  passwordRequired: { id: 'signup.validation.password_required', defaultMessage: 'Choose a password.' },
  tooShort: { id: 'signup.validation.too_short', defaultMessage: 'Use at least 10 characters.' },
  differ: { id: 'signup.validation.differ', defaultMessage: 'The two passwords differ.' },
  checkEmail: { id: 'signup.done.title', defaultMessage: 'Check your e-mail' },
  doneBody: {
    id: 'signup.done.body',
    defaultMessage: 'We sent a message to <b>{email}</b> about signing up <b>{organization}</b>. It says what happens next and how to log in.',
  },
  spam: { id: 'signup.done.spam', defaultMessage: 'If no message arrives within a few minutes, look in your spam folder.' },
  goToLogin: { id: 'signup.done.go_to_login', defaultMessage: 'Go to log in' },
  title: { id: 'signup.title', defaultMessage: 'Create your organization' },
  subtitle: { id: 'signup.subtitle', defaultMessage: 'Sign up your organization to start using the platform. You become its first administrator.' },
  referredBy: { id: 'signup.referral.referred_by', defaultMessage: 'Referred by {partner}' },
  credited: { id: 'signup.referral.credited', defaultMessage: 'Your sign-up is credited to {partner}.' },
  requiredNote: { id: 'signup.required_note', defaultMessage: 'Fields marked * are required.' },
  organizationLabel: { id: 'signup.organization_name.label', defaultMessage: 'Organization name' },
  nameLabel: { id: 'signup.admin_name.label', defaultMessage: 'Your name' },
  emailLabel: { id: 'signup.email.label', defaultMessage: 'Your email' },
  passwordLabel: { id: 'signup.password.label', defaultMessage: 'Password' },
  passwordHint: { id: 'signup.password.hint', defaultMessage: 'At least 10 characters.' },
  repeatLabel: { id: 'signup.password2.label', defaultMessage: 'Repeat the password' },
  repeatHint: { id: 'signup.password2.hint', defaultMessage: 'Type it again to avoid typos.' },
  codeLabel: { id: 'signup.referral_code.label', defaultMessage: 'Referral code' },
  codeHint: { id: 'signup.referral_code.hint', defaultMessage: 'Optional. Filled in for you when you came through a partner’s link.' },
  notCreated: { id: 'signup.not_created', defaultMessage: 'Your organization was not created' },
  haveAccount: { id: 'signup.have_account', defaultMessage: 'Already have an account? Log in' },
  submit: { id: 'signup.submit', defaultMessage: 'Create organization' },
});

interface Values {
  organization_name: string;
  admin_name: string;
  email: string;
  password: string;
  password2: string;
  referral_code: string;
}

export function SignupPage() {
  const intl = useIntl();
  const [params] = useSearchParams();
  const [done, setDone] = useState<{ name: string; email: string } | null>(null);
  const signup = useApiMutation(programApi.signup);
  const form = useApiForm<Values>(
    {
      initialValues: { organization_name: '', admin_name: '', email: '', password: '', password2: '', referral_code: (params.get('ref') ?? '').trim().toUpperCase() },
      validate: {
        organization_name: (v) => required(v, intl.formatMessage(m.nameRequired)),
        admin_name: (v) => required(v, intl.formatMessage(m.adminRequired)),
        email: (v) => required(v, intl.formatMessage(m.emailRequired)) ?? email(v, intl.formatMessage(m.emailInvalid)),
        password: (v) => required(v, intl.formatMessage(m.passwordRequired)) ?? (v.length < 10 ? intl.formatMessage(m.tooShort) : undefined),
        password2: (v, values) => (v !== values.password ? intl.formatMessage(m.differ) : undefined),
      },
    },
    signup,
  );
  const [code] = useDebouncedValue(form.values.referral_code.trim().toUpperCase(), 300);
  const ref = useApiQuery(programKeys.referral(code), () => programApi.referralInfo(code), { enabled: code.length > 0, staleTime: 60_000 });
  const unknownCode = code.length > 0 && ref.error instanceof ApiError && ref.error.status === 404;
  const refusedCode = signup.error instanceof ApiError && signup.error.code === 'referral_code_invalid';

  const fieldLabels: Record<string, string> = Object.fromEntries(Object.entries(LABELS).map(([k, d]) => [k, intl.formatMessage(d)]));

  const submit = async (v: Values) => {
    const r = await signup.run({
      organization_name: v.organization_name.trim(),
      admin_name: v.admin_name.trim(),
      email: v.email.trim(),
      password: v.password,
      referral_code: v.referral_code.trim().toUpperCase() || undefined,
    });
    if (r) setDone({ name: r.tenant.name, email: v.email.trim() });
  };

  if (done) {
    return (
      <PublicLayout title={intl.formatMessage(m.checkEmail)} width={560}>
        <Stack>
          {/* the same answer whether or not the address already has an account: the message says which it was */}
          <Alert color="teal" icon={<IconCircleCheck size={20} />} title={intl.formatMessage(m.checkEmail)} data-testid="signup-done">
            <FormattedMessage {...m.doneBody} values={{ email: done.email, organization: done.name, b: (chunks) => <b>{chunks}</b> }} />
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
    <PublicLayout title={intl.formatMessage(m.title)} width={640} subtitle={intl.formatMessage(m.subtitle)}>
      <form noValidate onSubmit={form.submit(submit)}>
        <Stack>
          {ref.data && !refusedCode && (
            <Alert color="teal" variant="light" icon={<IconUserHeart size={20} />} title={intl.formatMessage(m.referredBy, { partner: ref.data.partner_name })} data-testid="referred-by">
              {ref.data.landing_note ? <Text size="sm">{ref.data.landing_note}</Text> : <Text size="sm">{intl.formatMessage(m.credited, { partner: ref.data.partner_name })}</Text>}
            </Alert>
          )}
          <Text size="xs" c="dimmed">
            {intl.formatMessage(m.requiredNote)}
          </Text>
          <TextInput label={intl.formatMessage(m.organizationLabel)} withAsterisk autoComplete="organization" {...form.getInputProps('organization_name')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={intl.formatMessage(m.nameLabel)} withAsterisk autoComplete="name" {...form.getInputProps('admin_name')} />
            <TextInput label={intl.formatMessage(m.emailLabel)} type="email" withAsterisk autoComplete="username" {...form.getInputProps('email')} />
            <PasswordInput label={intl.formatMessage(m.passwordLabel)} description={intl.formatMessage(m.passwordHint)} withAsterisk autoComplete="new-password" {...form.getInputProps('password')} />
            <PasswordInput label={intl.formatMessage(m.repeatLabel)} description={intl.formatMessage(m.repeatHint)} withAsterisk autoComplete="new-password" {...form.getInputProps('password2')} />
          </SimpleGrid>
          <TextInput
            label={intl.formatMessage(m.codeLabel)}
            description={intl.formatMessage(m.codeHint)}
            {...form.getInputProps('referral_code')}
            onChange={(e) => {
              form.setFieldValue('referral_code', e.currentTarget.value.toUpperCase());
              if (refusedCode) signup.reset();
            }}
            error={form.errors.referral_code ?? (unknownCode || refusedCode ? intl.formatMessage(m.unknownCode) : undefined)}
            leftSection={unknownCode || refusedCode ? <IconAlertTriangle size={16} color="var(--mantine-color-red-6)" /> : undefined}
          />
          {!refusedCode && <ErrorAlert error={signup.error} title={intl.formatMessage(m.notCreated)} labels={fieldLabels} />}
          <Group justify="space-between">
            <Anchor component={Link} to="/login" size="sm">
              {intl.formatMessage(m.haveAccount)}
            </Anchor>
            <Button type="submit" loading={signup.busy} disabled={unknownCode}>
              {intl.formatMessage(m.submit)}
            </Button>
          </Group>
        </Stack>
      </form>
    </PublicLayout>
  );
}
