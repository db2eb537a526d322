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

const FIELD_LABELS: Record<string, string> = {
  name: 'Organization name',
  slug: 'Short name',
  website: 'Website',
  contact_email: 'Contact email',
  description: 'Description',
  'owner.name': 'Your name',
  'owner.email': 'Your email',
  'owner.password': 'Password',
  password: 'Password',
};

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
  const [slugTouched, setSlugTouched] = useState(false);
  const [done, setDone] = useState<{ partner: PartnerDto; email: string } | null>(null);
  const apply = useApiMutation(api.partners.apply);
  const form = useApiForm<ApplyValues>(
    {
      initialValues: { name: '', slug: '', website: '', contact_email: '', description: '', requested_capabilities: [], owner: { name: '', email: '', password: '' }, password2: '' },
      validate: {
        name: (v) => required(v, 'Enter your organization’s name.'),
        website: (v) => webAddress(v),
        contact_email: (v) => required(v, 'Enter an email address the operator can reach you at.') ?? email(v),
        owner: {
          name: (v) => required(v, 'Enter your name.'),
          email: (v) => required(v, 'Enter the email address you will log in with.') ?? email(v),
          password: (v) => required(v, 'Choose a password.') ?? (v.length < 10 ? 'Use at least 10 characters.' : undefined),
        },
        password2: (v, values) => (v !== values.owner.password ? 'The two passwords differ.' : undefined),
      },
    },
    apply,
  );

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
      <PublicLayout title="Application sent" width={560}>
        <Stack>
          {/* the same answer whether or not the address already has an account: the message says which it was */}
          <Alert color="teal" icon={<IconCircleCheck size={20} />} title="Check your e-mail">
            Thank you for applying with <b>{done.partner.name}</b>. We sent a message to <b>{done.email}</b> that says what happens next. A platform operator
            reviews every application; once it is approved you can invite your team and start working with customers.
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
    <PublicLayout
      title="Apply as a partner"
      width={720}
      subtitle="Tell us about your organization. A platform operator reviews the application and decides which capabilities to grant."
    >
      <form noValidate onSubmit={form.submit(submit)}>
        <Stack>
          <Text size="xs" c="dimmed">
            Fields marked * are required.
          </Text>
          <Title order={4}>Your organization</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Organization name"
              withAsterisk
              {...form.getInputProps('name')}
              onChange={(e) => {
                const v = e.currentTarget.value;
                form.setFieldValue('name', v);
                if (!slugTouched) form.setFieldValue('slug', slugify(v));
              }}
            />
            <TextInput
              label="Short name (slug)"
              description="Lowercase letters, digits and dashes; used in links."
              {...form.getInputProps('slug')}
              onChange={(e) => {
                setSlugTouched(true);
                form.setFieldValue('slug', e.currentTarget.value);
              }}
            />
            <TextInput label="Website" placeholder="https://example.com" {...form.getInputProps('website')} />
            <TextInput label="Contact email" type="email" withAsterisk {...form.getInputProps('contact_email')} />
          </SimpleGrid>
          <Textarea label="What do you do?" description="Optional: your services and the customers you work with." autosize minRows={2} {...form.getInputProps('description')} />
          <Checkbox.Group label="Capabilities you are asking for" description="The operator decides what to grant." {...form.getInputProps('requested_capabilities')}>
            <Stack gap="xs" mt="xs">
              {CAPABILITIES.map((c) => (
                <Checkbox key={c} value={c} label={CAPABILITY_INFO[c].label} description={CAPABILITY_INFO[c].description} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Divider />
          <Title order={4}>Your account (the partner owner)</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Your name" withAsterisk {...form.getInputProps('owner.name')} />
            <TextInput label="Your email" type="email" autoComplete="username" withAsterisk {...form.getInputProps('owner.email')} />
            <PasswordInput
              label="Password"
              description="At least 10 characters."
              autoComplete="new-password"
              withAsterisk
              {...form.getInputProps('owner.password')}
              error={form.errors['owner.password'] ?? form.errors.password}
            />
            <PasswordInput label="Repeat the password" description="Type it again to avoid typos." autoComplete="new-password" withAsterisk {...form.getInputProps('password2')} />
          </SimpleGrid>
          <ErrorAlert error={apply.error} title="The application was not sent" labels={FIELD_LABELS} />
          <Group justify="space-between">
            <Anchor component={Link} to="/login" size="sm">
              Already have an account? Log in
            </Anchor>
            <Button type="submit" loading={apply.busy}>
              Send application
            </Button>
          </Group>
        </Stack>
      </form>
    </PublicLayout>
  );
}
