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

export function RequestAccessForm({ partnerId, templates, onSent }: { partnerId: string; templates: AccessTemplate[]; onSent: () => void }) {
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
      success: (r) => `Request sent to ${r.tenant.name ?? 'the customer'}. Its admins will approve or reject it.`,
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
        <Title order={3}>Request access</Title>
        <Select
          label="Template"
          placeholder={templates.length ? 'Choose what you ask for' : 'No template is available yet'}
          data={templates.map((t) => ({ value: t.id, label: `${t.name}${t.owner === 'platform' ? '' : ' (yours)'}` }))}
          value={templateId}
          onChange={setTemplateId}
        />
        {template && (
          <div>
            <Text size="sm">{template.description}</Text>
            <Text size="sm" fw={600} mt="xs">
              It lets you:
            </Text>
            <PermissionSentences template={template} />
          </div>
        )}
        <SegmentedControl
          value={by}
          onChange={(v) => setBy(v as 'slug' | 'code')}
          data={[
            { value: 'slug', label: 'Customer by short name' },
            { value: 'code', label: 'By invite code' },
          ]}
          aria-label="How you name the customer"
        />
        <TextInput label={by === 'slug' ? "Customer's short name" : 'Invite code the customer gave you'} value={tenant} onChange={(e) => setTenant(e.currentTarget.value)} />
        <Checkbox label="All of the customer's billing accounts" checked={allBans} onChange={(e) => setAllBans(e.currentTarget.checked)} />
        {!allBans && <TagsInput label="Billing accounts (BANs)" description="Type each account number and press Enter" value={bans} onChange={setBans} />}
        <NumberInput label="For how many days" value={days} onChange={(v) => setDays(Number(v) || 1)} min={1} max={template?.max_days ?? 730} description={template ? `At most ${template.max_days} days with this template` : undefined} />
        <Textarea label="Why you need it" description="The customer's admins read this in your request" value={why} onChange={(e) => setWhy(e.currentTarget.value)} autosize minRows={2} maxLength={1000} />
        <ErrorAlert error={send.error} labels={{ ban_ids: 'Billing accounts', duration_days: 'For how many days', justification: 'Why you need it' }} />
        <Group>
          <Button onClick={() => void send.run()} loading={send.busy} disabled={!ready}>
            Send request
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
