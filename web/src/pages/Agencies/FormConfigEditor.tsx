/** Edits a form configuration: voucher types the form may issue, intro text, rules (one per line). */
import { Checkbox, Stack, Text, Textarea } from '@mantine/core';
import type { FormConfig, VoucherTypeDto } from '../../api/agencies.ts';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  valid: { id: 'agencies.form_config.valid_days', defaultMessage: 'valid {days, plural, other {# days}}' },
  amountValid: { id: 'agencies.form_config.amount_valid_days', defaultMessage: '{amount} · valid {days, plural, other {# days}}' },
  typeDescription: { id: 'agencies.form_config.type_description', defaultMessage: '{description} ({value})' },
  types: { id: 'agencies.form_config.types', defaultMessage: 'Voucher types this form may issue' },
  typesHelp: { id: 'agencies.form_config.types_help', defaultMessage: 'The form offers only these; the API refuses any other type.' },
  intro: { id: 'agencies.form_config.intro', defaultMessage: 'Intro text' },
  introHelp: { id: 'agencies.form_config.intro_help', defaultMessage: 'Plain text shown above the form.' },
  rules: { id: 'agencies.form_config.rules', defaultMessage: 'Rules' },
  rulesHelp: { id: 'agencies.form_config.rules_help', defaultMessage: 'One rule per line, listed under the form.' },
  loading: { id: 'agencies.form_config.loading', defaultMessage: 'Loading the voucher catalog…' },
});

export function formatValue(intl: IntlShape, t: VoucherTypeDto): string {
  if (t.amount === null || !t.currency) return intl.formatMessage(m.valid, { days: t.validity_days });
  return intl.formatMessage(m.amountValid, { amount: intl.formatNumber(t.amount / 100, { style: 'currency', currency: t.currency }), days: t.validity_days });
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
  const intl = useIntl();
  return (
    <Stack gap="md">
      <Checkbox.Group
        label={intl.formatMessage(m.types)}
        description={intl.formatMessage(m.typesHelp)}
        value={value.allowed_voucher_types}
        onChange={(v) => onChange({ ...value, allowed_voucher_types: v })}
        error={error}
        withAsterisk
      >
        <Stack gap={6} mt="xs">
          {types.map((t) => (
            <Checkbox key={t.id} value={t.id} label={t.name} description={intl.formatMessage(m.typeDescription, { description: t.description, value: formatValue(intl, t) })} />
          ))}
        </Stack>
      </Checkbox.Group>
      <Textarea
        label={intl.formatMessage(m.intro)}
        description={intl.formatMessage(m.introHelp)}
        autosize
        minRows={2}
        maxRows={6}
        maxLength={2000}
        value={value.intro_text}
        onChange={(e) => onChange({ ...value, intro_text: e.currentTarget.value })}
      />
      <Textarea
        label={intl.formatMessage(m.rules)}
        description={intl.formatMessage(m.rulesHelp)}
        autosize
        minRows={2}
        maxRows={8}
        value={value.rules_text}
        onChange={(e) => onChange({ ...value, rules_text: e.currentTarget.value })}
      />
      {types.length === 0 && (
        <Text size="sm" c="dimmed">
          <FormattedMessage {...m.loading} />
        </Text>
      )}
    </Stack>
  );
}
