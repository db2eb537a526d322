/**
 * Customer admin: their provider, customer type, identity check and subscription; the identity
 * check form (details and documents); the plans their provider offers — the ones they may take,
 * and why the others are not available — and signing a plan's terms.
 */
import { useState } from 'react';
import { Alert, Button, Card, FileInput, Group, Modal, ScrollArea, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { plansApi, type AvailablePlanDto, type KycDocumentInput, type KycSubmission, type Segment, type SubscriptionDto } from '../../api/plans.ts';
import { formatMoney } from '../../components/format.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { allows } from '../../session/access.ts';
import { useView } from '../../session/useView.ts';
import { required, useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { KycBadge, SubscriptionBadge } from './PartnerPlansPage.tsx';
import { featureInWords, limitInWords, segmentLabel } from './planWords.ts';
import { planKeys } from '../../api/keys/plans.ts';

const MAX_FILE = 1024 * 1024;

const msg = defineMessages({
  title: { id: 'plans.tenant.title', defaultMessage: 'Plan and subscription' },
  noProviderDescription: { id: 'plans.tenant.no_provider.description', defaultMessage: 'Plans offered by the provider that serves your organization.' },
  description: { id: 'plans.tenant.description', defaultMessage: 'Your plan with {provider}.' },
  noPlan: { id: 'plans.tenant.no_plan', defaultMessage: 'Your organization has no plan' },
  howToGetOne: {
    id: 'plans.tenant.no_plan.how',
    defaultMessage:
      'Plans here come from a provider that resells the service and has taken your organization on as its customer; no provider has done so yet. To get a plan, ask the company you buy the service from to add your organization as its customer here. Its plans then appear on this page, and you choose one and sign its terms.',
  },
  descriptionUnknown: { id: 'plans.tenant.description_unknown', defaultMessage: 'Your plan with your provider.' },
  termsTitle: { id: 'plans.tenant.terms_title', defaultMessage: 'Terms of the {plan} plan' },
  yourPlan: { id: 'plans.tenant.plan.current', defaultMessage: 'Your current plan' },
  alreadyHave: { id: 'plans.tenant.plan.already_have', defaultMessage: 'You already have a plan' },
  choose: { id: 'plans.tenant.plan.choose', defaultMessage: 'Choose this plan' },
  signed: { id: 'plans.tenant.sign.done', defaultMessage: 'Signed. Your provider will start the service.' },
  kycSent: { id: 'plans.tenant.kyc.sent', defaultMessage: 'Sent. Your provider will review your details.' },
  fullNameRequired: { id: 'plans.tenant.kyc.full_name_required', defaultMessage: 'Enter your full name.' },
  companyRequired: { id: 'plans.tenant.kyc.company_required', defaultMessage: 'Enter the company name.' },
  registrationRequired: { id: 'plans.tenant.kyc.registration_required', defaultMessage: 'Enter the registration number.' },
  countryInvalid: { id: 'plans.tenant.kyc.country_invalid', defaultMessage: 'Enter the two-letter country code, e.g. DE.' },
  filesNone: { id: 'plans.tenant.kyc.files_none', defaultMessage: 'Add at least one document.' },
  filesTooMany: { id: 'plans.tenant.kyc.files_too_many', defaultMessage: 'Add at most three documents.' },
  fileTooBig: { id: 'plans.tenant.kyc.file_too_big', defaultMessage: 'Each document must be 1 MB or smaller.' },
  fileType: { id: 'plans.tenant.kyc.file_type', defaultMessage: 'Documents must be PDF, PNG or JPEG files.' },
  aCompany: { id: 'plans.tenant.kyc.kind.company', defaultMessage: 'A company' },
  aPerson: { id: 'plans.tenant.kyc.kind.individual', defaultMessage: 'A person' },
  companyName: { id: 'plans.tenant.kyc.company_name', defaultMessage: 'Company name' },
  registration: { id: 'plans.tenant.kyc.registration_number', defaultMessage: 'Registration number' },
  fullName: { id: 'plans.tenant.kyc.full_name', defaultMessage: 'Full name' },
  birth: { id: 'plans.tenant.kyc.date_of_birth', defaultMessage: 'Date of birth' },
  birthPlaceholder: { id: 'plans.tenant.kyc.date_of_birth.placeholder', defaultMessage: '1985-04-12' },
  country: { id: 'plans.tenant.kyc.country', defaultMessage: 'Country' },
  countryDescription: { id: 'plans.tenant.kyc.country.description', defaultMessage: 'Two letters, e.g. DE' },
  registerExtract: { id: 'plans.tenant.kyc.register_extract', defaultMessage: 'Company register extract' },
  identityDocument: { id: 'plans.tenant.kyc.identity_document', defaultMessage: 'Identity document' },
  filesDescription: { id: 'plans.tenant.kyc.files.description', defaultMessage: 'PDF, PNG or JPEG, 1 MB at most each, up to three' },
});

export function TenantPlanPage() {
  const intl = useIntl();
  const t = useView().tenant!;
  const admin = allows(t, 'tenant.update');
  const account = useApiQuery(planKeys.account(t.tenant_id), () => plansApi.account(t.tenant_id));
  const available = useApiQuery(planKeys.available(t.tenant_id), () => plansApi.available(t.tenant_id));
  const [signing, setSigning] = useState<{ subscription: SubscriptionDto; terms: string } | null>(null);
  const subscribe = useApiMutation((planId: string) => plansApi.subscribe(t.tenant_id, planId), { onDone: (r) => setSigning(r) });
  // no provider that offers plans serves the organization: the server says so with customer null (no 404)
  const unserved = account.data?.customer === null;
  const a = account.data?.customer ? { ...account.data, customer: account.data.customer } : undefined;
  const sub = a?.customer.subscription ?? null;
  const needsKyc = a && (a.customer.kyc_status === 'guest' || a.customer.kyc_status === 'rejected');

  const openTerms = async (s: SubscriptionDto) => {
    const r = await plansApi.terms(t.tenant_id, s.id);
    setSigning({ subscription: s, terms: r.terms });
  };

  if (unserved) {
    return (
      <>
        <PageHeader title={intl.formatMessage(msg.title)} description={intl.formatMessage(msg.noProviderDescription)} />
        <Alert color="blue" title={intl.formatMessage(msg.noPlan)} data-testid="no-plan">
          <FormattedMessage {...msg.howToGetOne} />
        </Alert>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={intl.formatMessage(msg.title)}
        description={a ? intl.formatMessage(msg.description, { provider: a.customer.partner_name }) : intl.formatMessage(msg.descriptionUnknown)}
      />
      <ErrorAlert error={account.error} />
      {a && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} mb="md">
          <Card withBorder data-testid="plan-status-kyc">
            <Text size="sm" c="dimmed">
              <FormattedMessage id="plans.tenant.status.kyc" defaultMessage="Identity check" />
            </Text>
            <KycBadge status={a.customer.kyc_status} />
            {a.kyc?.status === 'rejected' && a.kyc.reason && (
              <Text size="sm" mt={4}>
                <FormattedMessage id="plans.tenant.status.kyc_reason" defaultMessage="Your provider says: {reason}" values={{ reason: a.kyc.reason }} />
              </Text>
            )}
            <Text size="xs" c="dimmed" mt={4}>
              <FormattedMessage
                id="plans.tenant.status.segment"
                defaultMessage="Customer type: {segment}"
                values={{ segment: segmentLabel(intl, a.customer.segment as Segment) }}
              />
            </Text>
          </Card>
          <Card withBorder data-testid="plan-status-subscription">
            <Text size="sm" c="dimmed">
              <FormattedMessage id="plans.tenant.status.subscription" defaultMessage="Subscription" />
            </Text>
            {sub ? (
              <>
                <Group gap={6}>
                  <Text fw={500}>{sub.plan_name}</Text>
                  <SubscriptionBadge status={sub.status} />
                </Group>
                <Text size="xs" c="dimmed">
                  {sub.signed_at ? (
                    <FormattedMessage
                      id="plans.tenant.status.price_signed"
                      defaultMessage="{price} a month · signed {date}"
                      values={{ price: formatMoney(sub.price_minor, sub.currency), date: formatDate(sub.signed_at) }}
                    />
                  ) : (
                    <FormattedMessage id="plans.tenant.status.price" defaultMessage="{price} a month" values={{ price: formatMoney(sub.price_minor, sub.currency) }} />
                  )}
                </Text>
                {sub.status === 'suspended' && (
                  <Text size="sm" c="var(--mantine-color-orange-light-color)" mt={4}>
                    {sub.suspension_kind === 'non_payment' ? (
                      <FormattedMessage id="plans.tenant.status.suspended_unpaid" defaultMessage="Suspended because an invoice is unpaid. Pay it and the service comes back." />
                    ) : (
                      <FormattedMessage
                        id="plans.tenant.status.suspended_by_provider"
                        defaultMessage="Suspended by your provider: {reason}"
                        values={{ reason: sub.suspension_reason ?? '' }}
                      />
                    )}
                  </Text>
                )}
                {sub.status === 'signing' && admin && (
                  <Button size="xs" mt="xs" onClick={() => void openTerms(sub)}>
                    <FormattedMessage id="plans.tenant.status.read_and_sign" defaultMessage="Read and sign the terms" />
                  </Button>
                )}
              </>
            ) : (
              <Text>
                <FormattedMessage id="plans.tenant.status.no_subscription" defaultMessage="None yet" />
              </Text>
            )}
          </Card>
          <Card withBorder>
            <Text size="sm" c="dimmed">
              <FormattedMessage id="plans.tenant.status.provider" defaultMessage="Provider" />
            </Text>
            <Text fw={500}>{a.customer.partner_name}</Text>
          </Card>
        </SimpleGrid>
      )}

      {needsKyc && admin && <KycForm tenantId={t.tenant_id} onDone={() => { account.reload(); available.reload(); }} />}
      {needsKyc && !admin && (
        <Alert mb="md">
          <FormattedMessage
            id="plans.tenant.kyc.needed"
            defaultMessage="Your organization must pass an identity check before it can choose a plan. Ask an administrator to send your details."
          />
        </Alert>
      )}
      {a?.customer.kyc_status === 'pending' && (
        <Alert color="yellow" mb="md" data-testid="kyc-pending">
          <FormattedMessage
            id="plans.tenant.kyc.pending"
            defaultMessage="Your details were sent on {date}. {provider} reviews them; the plans become available once you are verified."
            values={{ date: formatDateTime(a.kyc?.submitted_at), provider: a.customer.partner_name }}
          />
        </Alert>
      )}

      <Title order={2} size="h3" mb="sm">
        <FormattedMessage id="plans.tenant.plans.title" defaultMessage="Plans" />
      </Title>
      {!account.error && <ErrorAlert error={available.error ?? subscribe.error} />}
      {available.data && available.data.data.length === 0 && (
        <Text c="dimmed">
          <FormattedMessage id="plans.tenant.plans.empty" defaultMessage="Your provider does not offer any plan yet." />
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
        {available.data?.data.map((p) => (
          <PlanCard key={p.plan.id} p={p} current={sub} admin={admin} busy={subscribe.busy} onChoose={() => void subscribe.run(p.plan.id)} />
        ))}
      </SimpleGrid>

      <Modal opened={!!signing} onClose={() => setSigning(null)} title={intl.formatMessage(msg.termsTitle, { plan: signing?.subscription.plan_name ?? '' })} size="lg">
        {signing && <SignTerms tenantId={t.tenant_id} signing={signing} onDone={() => { setSigning(null); account.reload(); }} />}
      </Modal>
    </>
  );
}

function PlanCard({ p, current, admin, busy, onChoose }: { p: AvailablePlanDto; current: SubscriptionDto | null; admin: boolean; busy: boolean; onChoose(): void }) {
  const intl = useIntl();
  const mine = current?.plan_id === p.plan.id;
  return (
    <Card withBorder data-plan={p.plan.name} data-eligible={p.eligible ? 'yes' : 'no'}>
      <Group justify="space-between" align="flex-start">
        <Text fw={600}>{p.plan.name}</Text>
        <Text fw={600}>{formatMoney(p.price_minor, p.plan.currency)}</Text>
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        <FormattedMessage id="plans.tenant.plan.per_month" defaultMessage="a month · {description}" values={{ description: p.plan.description }} />
      </Text>
      <Text size="sm">
        <FormattedMessage id="plans.tenant.plan.includes" defaultMessage="Includes {features}" values={{ features: p.plan.features.map(featureInWords).join(', ') }} />
      </Text>
      <Text size="sm" mb="sm">
        <FormattedMessage
          id="plans.tenant.plan.up_to"
          defaultMessage="Up to {limits}"
          values={{
            limits: Object.entries(p.plan.limits)
              .map(([k, v]) => limitInWords(intl, k, v))
              .join('; '),
          }}
        />
      </Text>
      {mine ? (
        <Text size="sm" c="var(--mantine-color-teal-light-color)">
          {intl.formatMessage(msg.yourPlan)}
        </Text>
      ) : p.eligible ? (
        admin && (
          <Button onClick={onChoose} loading={busy} disabled={!!current}>
            {current ? intl.formatMessage(msg.alreadyHave) : intl.formatMessage(msg.choose)}
          </Button>
        )
      ) : (
        <Text size="sm" c="dimmed" data-testid="not-available-reason">
          <FormattedMessage id="plans.tenant.plan.not_available" defaultMessage="Not available: {reason}" values={{ reason: p.reason }} />
        </Text>
      )}
    </Card>
  );
}

function SignTerms({ tenantId, signing, onDone }: { tenantId: string; signing: { subscription: SubscriptionDto; terms: string }; onDone(): void }) {
  const intl = useIntl();
  const sign = useApiMutation(() => plansApi.sign(tenantId, signing.subscription.id, signing.subscription.terms_sha256), { success: intl.formatMessage(msg.signed), onDone });
  return (
    <Stack>
      <ScrollArea h={220} type="auto">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="plan-terms">
          {signing.terms}
        </Text>
      </ScrollArea>
      <Text size="sm">
        <FormattedMessage
          id="plans.tenant.sign.explained"
          defaultMessage="{price} a month. By signing you accept these terms for your organization; your name and the time are recorded."
          values={{ price: formatMoney(signing.subscription.price_minor, signing.subscription.currency) }}
        />
      </Text>
      <ErrorAlert error={sign.error} />
      <Group justify="flex-end">
        <Button onClick={() => void sign.run()} loading={sign.busy}>
          <FormattedMessage id="plans.tenant.sign.submit" defaultMessage="I accept and sign" />
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
  const intl = useIntl();
  const submit = useApiMutation(
    async (v: KycDraft) => {
      const documents: KycDocumentInput[] = [];
      for (const f of v.files) documents.push({ filename: f.name, content_type: f.type || 'application/octet-stream', content_base64: await readBase64(f) });
      const details: KycSubmission['details'] =
        v.kind === 'company' ? { company_name: v.company_name.trim(), registration_number: v.registration_number.trim(), country: v.country.trim().toUpperCase() } : { full_name: v.full_name.trim(), ...(v.date_of_birth ? { date_of_birth: v.date_of_birth } : {}), country: v.country.trim().toUpperCase() };
      return plansApi.submitKyc(tenantId, { kind: v.kind, details, documents });
    },
    { success: intl.formatMessage(msg.kycSent), onDone },
  );
  const form = useApiForm<KycDraft>(
    {
      initialValues: { kind: 'company', full_name: '', date_of_birth: '', company_name: '', registration_number: '', country: '', files: [] },
      validate: {
        full_name: (v, all) => (all.kind === 'individual' ? required(v, intl.formatMessage(msg.fullNameRequired)) : undefined),
        company_name: (v, all) => (all.kind === 'company' ? required(v, intl.formatMessage(msg.companyRequired)) : undefined),
        registration_number: (v, all) => (all.kind === 'company' ? required(v, intl.formatMessage(msg.registrationRequired)) : undefined),
        country: (v) => (/^[A-Za-z]{2}$/.test(v.trim()) ? undefined : intl.formatMessage(msg.countryInvalid)),
        files: (v) =>
          v.length === 0
            ? intl.formatMessage(msg.filesNone)
            : v.length > 3
              ? intl.formatMessage(msg.filesTooMany)
              : v.some((f) => f.size > MAX_FILE)
                ? intl.formatMessage(msg.fileTooBig)
                : v.some((f) => !['application/pdf', 'image/png', 'image/jpeg'].includes(f.type))
                  ? intl.formatMessage(msg.fileType)
                  : undefined,
      },
    },
    submit,
  );
  const company = form.values.kind === 'company';
  return (
    <Card withBorder mb="md" data-testid="kyc-form">
      <Title order={3} size="h4">
        <FormattedMessage id="plans.tenant.kyc.title" defaultMessage="Verify your organization" />
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        <FormattedMessage
          id="plans.tenant.kyc.explained"
          defaultMessage="Before you can choose a plan, your provider checks who you are. Your details and documents are stored encrypted and only your provider's reviewers can open them."
        />
      </Text>
      <form noValidate onSubmit={form.submit((v) => submit.run(v))}>
        <Stack>
          <SegmentedControl
            data={[
              { value: 'company', label: intl.formatMessage(msg.aCompany) },
              { value: 'individual', label: intl.formatMessage(msg.aPerson) },
            ]}
            {...form.getInputProps('kind')}
          />
          {company ? (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label={intl.formatMessage(msg.companyName)} withAsterisk {...form.getInputProps('company_name')} />
              <TextInput label={intl.formatMessage(msg.registration)} withAsterisk {...form.getInputProps('registration_number')} />
            </SimpleGrid>
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label={intl.formatMessage(msg.fullName)} withAsterisk {...form.getInputProps('full_name')} />
              <TextInput label={intl.formatMessage(msg.birth)} placeholder={intl.formatMessage(msg.birthPlaceholder)} {...form.getInputProps('date_of_birth')} />
            </SimpleGrid>
          )}
          <TextInput label={intl.formatMessage(msg.country)} description={intl.formatMessage(msg.countryDescription)} withAsterisk maxLength={2} w={200} {...form.getInputProps('country')} />
          <FileInput
            label={company ? intl.formatMessage(msg.registerExtract) : intl.formatMessage(msg.identityDocument)}
            description={intl.formatMessage(msg.filesDescription)}
            multiple
            accept="application/pdf,image/png,image/jpeg"
            withAsterisk
            clearable
            {...form.getInputProps('files')}
          />
          <ErrorAlert error={submit.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={submit.busy}>
              <FormattedMessage id="plans.tenant.kyc.submit" defaultMessage="Send for review" />
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
