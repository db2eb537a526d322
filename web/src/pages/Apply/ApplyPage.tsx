/** The public partner application form (POST /api/v1/partner-applications). */
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Checkbox, Divider, Group, PasswordInput, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { api, CAPABILITIES, type Capability, type PartnerDto } from '../../api/index.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { CAPABILITY_INFO, slugify } from '../../components/format.ts';
import { useApiMutation } from '../../query/query.ts';

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

export function ApplyPage() {
  const [f, setF] = useState({
    name: '',
    slug: '',
    website: '',
    contact_email: '',
    description: '',
    owner_name: '',
    owner_email: '',
    password: '',
    password2: '',
  });
  const [caps, setCaps] = useState<string[]>([]);
  const [slugTouched, setSlugTouched] = useState(false);
  const [done, setDone] = useState<PartnerDto | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const apply = useApiMutation(api.partners.apply, { onDone: (r) => setDone(r.partner) });

  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setF((prev) => ({ ...prev, [k]: v, ...(k === 'name' && !slugTouched ? { slug: slugify(v) } : {}) }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (f.password !== f.password2) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    void apply.run({
      name: f.name.trim(),
      slug: f.slug.trim() || undefined,
      website: f.website.trim() || undefined,
      contact_email: f.contact_email.trim(),
      description: f.description.trim() || undefined,
      requested_capabilities: caps as Capability[],
      owner: { name: f.owner_name.trim(), email: f.owner_email.trim(), password: f.password },
    });
  };

  if (done) {
    return (
      <PublicLayout title="Application received" width={560}>
        <Stack>
          <Alert color="teal" icon={<IconCircleCheck size={20} />} title="Your application is under review">
            Thank you — <b>{done.name}</b> has applied to become a partner. A platform operator reviews every application; once it is approved you can invite
            your team and start working with customers.
          </Alert>
          <Text size="sm">You can already log in with the email and password you chose to follow your application.</Text>
          <Button component={Link} to="/login">
            Go to log in
          </Button>
        </Stack>
      </PublicLayout>
    );
  }

  const fe = apply.fieldError;
  return (
    <PublicLayout
      title="Apply as a partner"
      width={720}
      subtitle="Tell us about your organization. A platform operator reviews the application and decides which capabilities to grant."
    >
      <form onSubmit={submit}>
        <Stack>
          <Title order={4}>Your organization</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Organization name" required value={f.name} onChange={set('name')} error={fe('name')} />
            <TextInput
              label="Short name (slug)"
              description="Lowercase letters, digits and dashes; used in links."
              value={f.slug}
              onChange={(e) => {
                setSlugTouched(true);
                set('slug')(e);
              }}
              error={fe('slug')}
            />
            <TextInput label="Website" placeholder="https://example.com" value={f.website} onChange={set('website')} error={fe('website')} />
            <TextInput label="Contact email" type="email" required value={f.contact_email} onChange={set('contact_email')} error={fe('contact_email')} />
          </SimpleGrid>
          <Textarea label="What do you do?" description="Optional: your services and the customers you work with." autosize minRows={2} value={f.description} onChange={set('description')} error={fe('description')} />
          <Checkbox.Group label="Capabilities you are asking for" description="The operator decides what to grant." value={caps} onChange={setCaps}>
            <Stack gap="xs" mt="xs">
              {CAPABILITIES.map((c) => (
                <Checkbox key={c} value={c} label={CAPABILITY_INFO[c].label} description={CAPABILITY_INFO[c].description} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Divider />
          <Title order={4}>Your account (the partner owner)</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Your name" required value={f.owner_name} onChange={set('owner_name')} error={fe('owner.name')} />
            <TextInput label="Your email" type="email" autoComplete="username" required value={f.owner_email} onChange={set('owner_email')} error={fe('owner.email')} />
            <PasswordInput label="Password" description="At least 10 characters." autoComplete="new-password" required value={f.password} onChange={set('password')} error={fe('owner.password') ?? fe('password')} />
            <PasswordInput
              label="Repeat the password"
              description="Type it again to avoid typos."
              autoComplete="new-password"
              required
              value={f.password2}
              onChange={set('password2')}
              error={mismatch ? 'The two passwords differ.' : undefined}
            />
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
