/** Edits a form configuration: voucher types the form may issue, intro text, rules (one per line). */
import { Checkbox, Stack, Text, Textarea } from '@mantine/core';
import type { FormConfig, VoucherTypeDto } from '../../api/agencies.ts';

export function formatValue(t: VoucherTypeDto): string {
  if (t.amount === null || !t.currency) return `valid ${t.validity_days} days`;
  return `${new Intl.NumberFormat(undefined, { style: 'currency', currency: t.currency }).format(t.amount / 100)} · valid ${t.validity_days} days`;
}

export interface FormDraft {
  allowed_voucher_types: string[];
  intro_text: string;
  /** the rules as typed: one per line */
  rules_text: string;
}

export function draftOf(c: FormConfig): FormDraft {
  return { allowed_voucher_types: c.allowed_voucher_types, intro_text: c.intro_text, rules_text: c.rules_list.join('\n') };
}

export function configOf(d: FormDraft): FormConfig {
  return {
    allowed_voucher_types: d.allowed_voucher_types,
    intro_text: d.intro_text,
    rules_list: d.rules_text
      .split('\n')
      .map((r) => r.trim())
      .filter(Boolean),
  };
}

export function FormConfigEditor({ value, onChange, types, error }: { value: FormDraft; onChange(d: FormDraft): void; types: VoucherTypeDto[]; error?: string }) {
  return (
    <Stack gap="md">
      <Checkbox.Group
        label="Voucher types this form may issue"
        description="The form offers only these; the API refuses any other type."
        value={value.allowed_voucher_types}
        onChange={(v) => onChange({ ...value, allowed_voucher_types: v })}
        error={error}
        withAsterisk
      >
        <Stack gap={6} mt="xs">
          {types.map((t) => (
            <Checkbox key={t.id} value={t.id} label={t.name} description={`${t.description} (${formatValue(t)})`} />
          ))}
        </Stack>
      </Checkbox.Group>
      <Textarea
        label="Intro text"
        description="Plain text shown above the form."
        autosize
        minRows={2}
        maxRows={6}
        maxLength={2000}
        value={value.intro_text}
        onChange={(e) => onChange({ ...value, intro_text: e.currentTarget.value })}
      />
      <Textarea
        label="Rules"
        description="One rule per line, listed under the form."
        autosize
        minRows={2}
        maxRows={8}
        value={value.rules_text}
        onChange={(e) => onChange({ ...value, rules_text: e.currentTarget.value })}
      />
      {types.length === 0 && (
        <Text size="sm" c="dimmed">
          Loading the voucher catalog…
        </Text>
      )}
    </Stack>
  );
}
