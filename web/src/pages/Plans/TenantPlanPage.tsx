/**
 * Customer admin: their provider, customer type, identity check and subscription; the identity
 * check form (details and documents); the plans their provider offers — the ones they may take,
 * and why the others are not available — and signing a plan's terms.
 */
import { useState } from 'react';
import { Alert, Button, Card, FileInput, Group, Modal, ScrollArea, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { ApiError } from '../../api/errors.ts';
import { plansApi, SEGMENT_LABELS, type AvailablePlanDto, type KycDocumentInput, type KycSubmission, type Segment, type SubscriptionDto } from '../../api/plans.ts';
import { formatMoney } from '../../components/format.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { KycBadge, SubscriptionBadge } from './PartnerPlansPage.tsx';
import { featureInWords, limitInWords } from './planWords.ts';
import { planKeys } from '../../api/keys/plans.ts';

const MAX_FILE = 1024 * 1024;

export function TenantPlanPage() {
  const t = useView().tenant!;
  const admin = allows(t, 'tenant.update');
  const account = useApiQuery(planKeys.account(t.tenant_id), () => plansApi.account(t.tenant_id));
  const available = useApiQuery(planKeys.available(t.tenant_id), () => plansApi.available(t.tenant_id));
  const [signing, setSigning] = useState<{ subscription: SubscriptionDto; terms: string } | null>(null);
  const subscribe = useApiMutation((planId: string) => plansApi.subscribe(t.tenant_id, planId), { onDone: (r) => setSigning(r) });
  const a = account.data;
  const sub = a?.customer.subscription ?? null;
  const needsKyc = a && (a.customer.kyc_status === 'guest' || a.customer.kyc_status === 'rejected');

  const openTerms = async (s: SubscriptionDto) => {
    const r = await plansApi.terms(t.tenant_id, s.id);
    setSigning({ subscription: s, terms: r.terms });
  };

  if (account.error instanceof ApiError && account.error.code === 'customer_not_found') {
    return (
      <>
        <PageHeader title="Plan and subscription" description="Plans offered by the provider that serves your organization." />
        <Text c="dimmed">Your organization is not served by a provider that offers plans here, so there is nothing to choose.</Text>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Plan and subscription" description={a ? `Your plan with ${a.customer.partner_name}.` : 'Your plan with your provider.'} />
      <ErrorAlert error={account.error} />
      {a && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} mb="md">
          <Card withBorder data-testid="plan-status-kyc">
            <Text size="sm" c="dimmed">
              Identity check
            </Text>
            <KycBadge status={a.customer.kyc_status} />
            {a.kyc?.status === 'rejected' && a.kyc.reason && (
              <Text size="sm" mt={4}>
                Your provider says: {a.kyc.reason}
              </Text>
            )}
            <Text size="xs" c="dimmed" mt={4}>
              Customer type: {SEGMENT_LABELS[a.customer.segment as Segment]}
            </Text>
          </Card>
          <Card withBorder data-testid="plan-status-subscription">
            <Text size="sm" c="dimmed">
              Subscription
            </Text>
            {sub ? (
              <>
                <Group gap={6}>
                  <Text fw={500}>{sub.plan_name}</Text>
                  <SubscriptionBadge status={sub.status} />
                </Group>
                <Text size="xs" c="dimmed">
                  {formatMoney(sub.price_minor, sub.currency)} a month{sub.signed_at ? ` · signed ${formatDate(sub.signed_at)}` : ''}
                </Text>
                {sub.status === 'suspended' && (
                  <Text size="sm" c="orange" mt={4}>
                    {sub.suspension_kind === 'non_payment' ? 'Suspended because an invoice is unpaid. Pay it and the service comes back.' : `Suspended by your provider: ${sub.suspension_reason ?? ''}`}
                  </Text>
                )}
                {sub.status === 'signing' && admin && (
                  <Button size="xs" mt="xs" onClick={() => void openTerms(sub)}>
                    Read and sign the terms
                  </Button>
                )}
              </>
            ) : (
              <Text>None yet</Text>
            )}
          </Card>
          <Card withBorder>
            <Text size="sm" c="dimmed">
              Provider
            </Text>
            <Text fw={500}>{a.customer.partner_name}</Text>
          </Card>
        </SimpleGrid>
      )}

      {needsKyc && admin && <KycForm tenantId={t.tenant_id} onDone={() => { account.reload(); available.reload(); }} />}
      {needsKyc && !admin && <Alert mb="md">Your organization must pass an identity check before it can choose a plan. Ask an administrator to send your details.</Alert>}
      {a?.customer.kyc_status === 'pending' && (
        <Alert color="yellow" mb="md" data-testid="kyc-pending">
          Your details were sent on {formatDateTime(a.kyc?.submitted_at)}. {a.customer.partner_name} reviews them; the plans become available once you are verified.
        </Alert>
      )}

      <Title order={3} mb="sm">
        Plans
      </Title>
      {!account.error && <ErrorAlert error={available.error ?? subscribe.error} />}
      {available.data && available.data.data.length === 0 && <Text c="dimmed">Your provider does not offer any plan yet.</Text>}
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
        {available.data?.data.map((p) => (
          <PlanCard key={p.plan.id} p={p} current={sub} admin={admin} busy={subscribe.busy} onChoose={() => void subscribe.run(p.plan.id)} />
        ))}
      </SimpleGrid>

      <Modal opened={!!signing} onClose={() => setSigning(null)} title={`Terms of the ${signing?.subscription.plan_name ?? ''} plan`} size="lg">
        {signing && <SignTerms tenantId={t.tenant_id} signing={signing} onDone={() => { setSigning(null); account.reload(); }} />}
      </Modal>
    </>
  );
}

function PlanCard({ p, current, admin, busy, onChoose }: { p: AvailablePlanDto; current: SubscriptionDto | null; admin: boolean; busy: boolean; onChoose(): void }) {
  const mine = current?.plan_id === p.plan.id;
  return (
    <Card withBorder data-plan={p.plan.name} data-eligible={p.eligible ? 'yes' : 'no'}>
      <Group justify="space-between" align="flex-start">
        <Text fw={600}>{p.plan.name}</Text>
        <Text fw={600}>{formatMoney(p.price_minor, p.plan.currency)}</Text>
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        a month · {p.plan.description}
      </Text>
      <Text size="sm">Includes {p.plan.features.map(featureInWords).join(', ')}</Text>
      <Text size="sm" mb="sm">
        Up to {Object.entries(p.plan.limits)
          .map(([k, v]) => limitInWords(k, v))
          .join('; ')}
      </Text>
      {mine ? (
        <Text size="sm" c="teal">
          Your current plan
        </Text>
      ) : p.eligible ? (
        admin && (
          <Button onClick={onChoose} loading={busy} disabled={!!current}>
            {current ? 'You already have a plan' : 'Choose this plan'}
          </Button>
        )
      ) : (
        <Text size="sm" c="dimmed" data-testid="not-available-reason">
          Not available: {p.reason}
        </Text>
      )}
    </Card>
  );
}

function SignTerms({ tenantId, signing, onDone }: { tenantId: string; signing: { subscription: SubscriptionDto; terms: string }; onDone(): void }) {
  const sign = useApiMutation(() => plansApi.sign(tenantId, signing.subscription.id, signing.subscription.terms_sha256), { success: 'Signed. Your provider will start the service.', onDone });
  return (
    <Stack>
      <ScrollArea h={220} type="auto">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="plan-terms">
          {signing.terms}
        </Text>
      </ScrollArea>
      <Text size="sm">
        {formatMoney(signing.subscription.price_minor, signing.subscription.currency)} a month. By signing you accept these terms for your organization; your name and the time are recorded.
      </Text>
      <ErrorAlert error={sign.error} />
      <Group justify="flex-end">
        <Button onClick={() => void sign.run()} loading={sign.busy}>
          I accept and sign
        </Button>
      </Group>
    </Stack>
  );
}

interface KycDraft {
  kind: 'individual' | 'company';
  full_name: string;
  date_of_birth: string;
  company_name: string;
  registration_number: string;
  country: string;
  files: File[];
}

function readBase64(f: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(',')[1] ?? '');
    r.onerror = () => reject(r.error);
    r.readAsDataURL(f);
  });
}

function KycForm({ tenantId, onDone }: { tenantId: string; onDone(): void }) {
  const submit = useApiMutation(
    async (v: KycDraft) => {
      const documents: KycDocumentInput[] = [];
      for (const f of v.files) documents.push({ filename: f.name, content_type: f.type || 'application/octet-stream', content_base64: await readBase64(f) });
      const details: KycSubmission['details'] =
        v.kind === 'company' ? { company_name: v.company_name.trim(), registration_number: v.registration_number.trim(), country: v.country.trim().toUpperCase() } : { full_name: v.full_name.trim(), ...(v.date_of_birth ? { date_of_birth: v.date_of_birth } : {}), country: v.country.trim().toUpperCase() };
      return plansApi.submitKyc(tenantId, { kind: v.kind, details, documents });
    },
    { success: 'Sent. Your provider will review your details.', onDone },
  );
  const form = useApiForm<KycDraft>(
    {
      initialValues: { kind: 'company', full_name: '', date_of_birth: '', company_name: '', registration_number: '', country: '', files: [] },
      validate: {
        full_name: (v, all) => (all.kind === 'individual' ? required(v, 'Enter your full name.') : undefined),
        company_name: (v, all) => (all.kind === 'company' ? required(v, 'Enter the company name.') : undefined),
        registration_number: (v, all) => (all.kind === 'company' ? required(v, 'Enter the registration number.') : undefined),
        country: (v) => (/^[A-Za-z]{2}$/.test(v.trim()) ? undefined : 'Enter the two-letter country code, e.g. DE.'),
        files: (v) =>
          v.length === 0
            ? 'Add at least one document.'
            : v.length > 3
              ? 'Add at most three documents.'
              : v.some((f) => f.size > MAX_FILE)
                ? 'Each document must be 1 MB or smaller.'
                : v.some((f) => !['application/pdf', 'image/png', 'image/jpeg'].includes(f.type))
                  ? 'Documents must be PDF, PNG or JPEG files.'
                  : undefined,
      },
    },
    submit,
  );
  const company = form.values.kind === 'company';
  return (
    <Card withBorder mb="md" data-testid="kyc-form">
      <Title order={4}>Verify your organization</Title>
      <Text size="sm" c="dimmed" mb="sm">
        Before you can choose a plan, your provider checks who you are. Your details and documents are stored encrypted and only your provider's reviewers can open them.
      </Text>
      <form noValidate onSubmit={form.submit((v) => submit.run(v))}>
        <Stack>
          <SegmentedControl
            data={[
              { value: 'company', label: 'A company' },
              { value: 'individual', label: 'A person' },
            ]}
            {...form.getInputProps('kind')}
          />
          {company ? (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label="Company name" withAsterisk {...form.getInputProps('company_name')} />
              <TextInput label="Registration number" withAsterisk {...form.getInputProps('registration_number')} />
            </SimpleGrid>
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label="Full name" withAsterisk {...form.getInputProps('full_name')} />
              <TextInput label="Date of birth" placeholder="1985-04-12" {...form.getInputProps('date_of_birth')} />
            </SimpleGrid>
          )}
          <TextInput label="Country" description="Two letters, e.g. DE" withAsterisk maxLength={2} w={200} {...form.getInputProps('country')} />
          <FileInput
            label={company ? 'Company register extract' : 'Identity document'}
            description="PDF, PNG or JPEG, 1 MB at most each, up to three"
            multiple
            accept="application/pdf,image/png,image/jpeg"
            withAsterisk
            clearable
            {...form.getInputProps('files')}
          />
          <ErrorAlert error={submit.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={submit.busy}>
              Send for review
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
