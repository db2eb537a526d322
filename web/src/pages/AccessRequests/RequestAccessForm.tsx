/**
 * Partner → Request access: choose a template, name the customer (its short name or the invite code
 * its admin gave you), the billing accounts (or all of them), how many days, and why. The customer's
 * admins read the request as one sentence and answer it as a whole.
 */
import { useEffect, useState } from 'react';
import { Button, Checkbox, Group, NumberInput, Paper, SegmentedControl, Select, Stack, TagsInput, Text, TextInput, Textarea, Title } from '@mantine/core';
import { accessRequestsApi, type AccessTemplate } from '../../api/accessRequests.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiMutation } from '../../query/query.ts';
import { PermissionSentences } from './TemplateEditor.tsx';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  sent: { id: 'access_requests.ask.sent', defaultMessage: 'Request sent to {customer}. Its admins will approve or reject it.' },
  theCustomer: { id: 'access_requests.ask.the_customer', defaultMessage: 'the customer' },
  title: { id: 'access_requests.ask.title', defaultMessage: 'Request access' },
  template: { id: 'access_requests.ask.template', defaultMessage: 'Template' },
  choose: { id: 'access_requests.ask.template_placeholder', defaultMessage: 'Choose what you ask for' },
  noTemplate: { id: 'access_requests.ask.no_template', defaultMessage: 'No template is available yet' },
  yours: { id: 'access_requests.ask.template_yours', defaultMessage: '{name} (yours)' },
  letsYou: { id: 'access_requests.ask.lets_you', defaultMessage: 'It lets you:' },
  bySlug: { id: 'access_requests.ask.by_slug', defaultMessage: 'Customer by short name' },
  byCode: { id: 'access_requests.ask.by_code', defaultMessage: 'By invite code' },
  howName: { id: 'access_requests.ask.how_name', defaultMessage: 'How you name the customer' },
  slug: { id: 'access_requests.ask.slug', defaultMessage: "Customer's short name" },
  code: { id: 'access_requests.ask.code', defaultMessage: 'Invite code the customer gave you' },
  allBans: { id: 'access_requests.ask.all_bans', defaultMessage: "All of the customer's billing accounts" },
  bans: { id: 'access_requests.ask.bans', defaultMessage: 'Billing accounts (BANs)' },
  bansHelp: { id: 'access_requests.ask.bans_help', defaultMessage: 'Type each account number and press Enter' },
  days: { id: 'access_requests.ask.days', defaultMessage: 'For how many days' },
  daysHelp: { id: 'access_requests.ask.days_help', defaultMessage: 'At most {count, plural, other {# days}} with this template' },
  why: { id: 'access_requests.ask.why', defaultMessage: 'Why you need it' },
  whyHelp: { id: 'access_requests.ask.why_help', defaultMessage: "The customer's admins read this in your request" },
  bansField: { id: 'access_requests.ask.bans_field', defaultMessage: 'Billing accounts' },
  send: { id: 'access_requests.ask.send', defaultMessage: 'Send request' },
});

export function RequestAccessForm({ partnerId, templates, onSent }: { partnerId: string; templates: AccessTemplate[]; onSent: () => void }) {
  const intl = useIntl();
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [by, setBy] = useState<'slug' | 'code'>('slug');
  const [tenant, setTenant] = useState('');
  const [allBans, setAllBans] = useState(false);
  const [bans, setBans] = useState<string[]>([]);
  const [days, setDays] = useState<number>(30);
  const [why, setWhy] = useState('');
  const template = templates.find((t) => t.id === templateId);
  useEffect(() => {
    if (template) setDays(template.default_days);
  }, [template]);
  const send = useApiMutation(
    () =>
      accessRequestsApi.ask(partnerId, {
        template_id: templateId ?? '',
        ...(by === 'slug' ? { tenant_slug: tenant.trim() } : { invite_code: tenant.trim() }),
        ban_ids: allBans ? null : bans,
        duration_days: days,
        justification: why,
      }),
    {
      success: (r) => intl.formatMessage(m.sent, { customer: r.tenant.name ?? intl.formatMessage(m.theCustomer) }),
      onDone: () => {
        setTenant('');
        setBans([]);
        setWhy('');
        onSent();
      },
    },
  );
  const ready = !!template && tenant.trim() && (allBans || bans.length > 0) && why.trim().length >= 3;
  return (
    <Paper withBorder p="md" radius="md" data-testid="request-access-form">
      <Stack gap="sm">
        <Title order={2} size="h3">
          <FormattedMessage {...m.title} />
        </Title>
        <Select
          label={intl.formatMessage(m.template)}
          placeholder={intl.formatMessage(templates.length ? m.choose : m.noTemplate)}
          data={templates.map((t) => ({ value: t.id, label: t.owner === 'platform' ? t.name : intl.formatMessage(m.yours, { name: t.name }) }))}
          value={templateId}
          onChange={setTemplateId}
        />
        {template && (
          <div>
            <Text size="sm">{template.description}</Text>
            <Text size="sm" fw={600} mt="xs">
              <FormattedMessage {...m.letsYou} />
            </Text>
            <PermissionSentences template={template} />
          </div>
        )}
        <SegmentedControl
          value={by}
          onChange={(v) => setBy(v as 'slug' | 'code')}
          data={[
            { value: 'slug', label: intl.formatMessage(m.bySlug) },
            { value: 'code', label: intl.formatMessage(m.byCode) },
          ]}
          aria-label={intl.formatMessage(m.howName)}
        />
        <TextInput label={intl.formatMessage(by === 'slug' ? m.slug : m.code)} value={tenant} onChange={(e) => setTenant(e.currentTarget.value)} />
        <Checkbox label={intl.formatMessage(m.allBans)} checked={allBans} onChange={(e) => setAllBans(e.currentTarget.checked)} />
        {!allBans && <TagsInput label={intl.formatMessage(m.bans)} description={intl.formatMessage(m.bansHelp)} value={bans} onChange={setBans} />}
        <NumberInput
          label={intl.formatMessage(m.days)} value={days} onChange={(v) => setDays(Number(v) || 1)} min={1} max={template?.max_days ?? 730} description={template ? intl.formatMessage(m.daysHelp, { count: template.max_days }) : undefined} />
        <Textarea
          label={intl.formatMessage(m.why)}
          description={intl.formatMessage(m.whyHelp)} value={why} onChange={(e) => setWhy(e.currentTarget.value)} autosize minRows={2} maxLength={1000} />
        <ErrorAlert error={send.error} labels={{ ban_ids: intl.formatMessage(m.bansField), duration_days: intl.formatMessage(m.days), justification: intl.formatMessage(m.why) }} />
        <Group>
          <Button onClick={() => void send.run()} loading={send.busy} disabled={!ready}>
            <FormattedMessage {...m.send} />
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
