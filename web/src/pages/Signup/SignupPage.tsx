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

const LABELS: Record<string, string> = {
  organization_name: 'Organization name',
  admin_name: 'Your name',
  email: 'Your email',
  password: 'Password',
  referral_code: 'Referral code',
};

const UNKNOWN_CODE = 'We do not know this referral code, or it is no longer in use. Check it with whoever gave it to you, or leave the field empty.';

interface Values {
  organization_name: string;
  admin_name: string;
  email: string;
  password: string;
  password2: string;
  referral_code: string;
}

export function SignupPage() {
  const [params] = useSearchParams();
  const [done, setDone] = useState<{ name: string; email: string } | null>(null);
  const signup = useApiMutation(programApi.signup);
  const form = useApiForm<Values>(
    {
      initialValues: { organization_name: '', admin_name: '', email: '', password: '', password2: '', referral_code: (params.get('ref') ?? '').trim().toUpperCase() },
      validate: {
        organization_name: (v) => required(v, 'Enter your organization’s name.'),
        admin_name: (v) => required(v, 'Enter your name.'),
        email: (v) => required(v, 'Enter the email address you will log in with.') ?? email(v),
        password: (v) => required(v, 'Choose a password.') ?? (v.length < 10 ? 'Use at least 10 characters.' : undefined),
        password2: (v, values) => (v !== values.password ? 'The two passwords differ.' : undefined),
      },
    },
    signup,
  );
  const [code] = useDebouncedValue(form.values.referral_code.trim().toUpperCase(), 300);
  const ref = useApiQuery(programKeys.referral(code), () => programApi.referralInfo(code), { enabled: code.length > 0, staleTime: 60_000 });
  const unknownCode = code.length > 0 && ref.error instanceof ApiError && ref.error.status === 404;
  const refusedCode = signup.error instanceof ApiError && signup.error.code === 'referral_code_invalid';

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
      <PublicLayout title="Check your e-mail" width={560}>
        <Stack>
          {/* the same answer whether or not the address already has an account: the message says which it was */}
          <Alert color="teal" icon={<IconCircleCheck size={20} />} title="Check your e-mail" data-testid="signup-done">
            We sent a message to <b>{done.email}</b> about signing up <b>{done.name}</b>. It says what happens next and how to log in.
          </Alert>
          <Text size="sm">If no message arrives within a few minutes, look in your spam folder.</Text>
          <Button component={Link} to="/login">
            Go to log in
          </Button>
        </Stack>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title="Create your organization" width={640} subtitle="Sign up your organization to start using the platform. You become its first administrator.">
      <form noValidate onSubmit={form.submit(submit)}>
        <Stack>
          {ref.data && !refusedCode && (
            <Alert color="teal" variant="light" icon={<IconUserHeart size={20} />} title={`Referred by ${ref.data.partner_name}`} data-testid="referred-by">
              {ref.data.landing_note ? <Text size="sm">{ref.data.landing_note}</Text> : <Text size="sm">Your sign-up is credited to {ref.data.partner_name}.</Text>}
            </Alert>
          )}
          <Text size="xs" c="dimmed">
            Fields marked * are required.
          </Text>
          <TextInput label="Organization name" withAsterisk autoComplete="organization" {...form.getInputProps('organization_name')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Your name" withAsterisk autoComplete="name" {...form.getInputProps('admin_name')} />
            <TextInput label="Your email" type="email" withAsterisk autoComplete="username" {...form.getInputProps('email')} />
            <PasswordInput label="Password" description="At least 10 characters." withAsterisk autoComplete="new-password" {...form.getInputProps('password')} />
            <PasswordInput label="Repeat the password" description="Type it again to avoid typos." withAsterisk autoComplete="new-password" {...form.getInputProps('password2')} />
          </SimpleGrid>
          <TextInput
            label="Referral code"
            description="Optional. Filled in for you when you came through a partner’s link."
            {...form.getInputProps('referral_code')}
            onChange={(e) => {
              form.setFieldValue('referral_code', e.currentTarget.value.toUpperCase());
              if (refusedCode) signup.reset();
            }}
            error={form.errors.referral_code ?? (unknownCode || refusedCode ? UNKNOWN_CODE : undefined)}
            leftSection={unknownCode || refusedCode ? <IconAlertTriangle size={16} color="var(--mantine-color-red-6)" /> : undefined}
          />
          {!refusedCode && <ErrorAlert error={signup.error} title="Your organization was not created" labels={LABELS} />}
          <Group justify="space-between">
            <Anchor component={Link} to="/login" size="sm">
              Already have an account? Log in
            </Anchor>
            <Button type="submit" loading={signup.busy} disabled={unknownCode}>
              Create organization
            </Button>
          </Group>
        </Stack>
      </form>
    </PublicLayout>
  );
}
