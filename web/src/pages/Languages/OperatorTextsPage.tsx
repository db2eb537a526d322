/**
 * Operator: the words the sign-in and consent pages show about the provider, per language — product name,
 * help address, terms and privacy links. One card per language; each saves on its own (audited).
 */
import { useEffect } from 'react';
import { useIntl } from 'react-intl';
import { Button, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { platformTextKeys } from '../../api/keys/platformTexts.ts';
import { platformTextsApi, type PlatformTexts } from '../../api/platformTexts.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiForm } from '../../query/form.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { m } from './OperatorTextsPage.messages.ts';

export function OperatorTextsPage() {
  const intl = useIntl();
  const texts = useApiQuery(platformTextKeys.all, () => platformTextsApi.list());
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      <ErrorAlert error={texts.error} />
      {!texts.data && texts.loading && (
        <Text c="dimmed" data-state="loading">
          {intl.formatMessage(m.loading)}
        </Text>
      )}
      {texts.data && (
        <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="lg">
          {texts.data.data.map((t) => (
            <LanguageTexts key={t.locale} t={t} onSaved={texts.reload} />
          ))}
        </SimpleGrid>
      )}
    </>
  );
}

const fromServer = (t: PlatformTexts) => ({ product_name: t.product_name ?? '', support_email: t.support_email ?? '', terms_url: t.terms_url ?? '', privacy_url: t.privacy_url ?? '' });

function LanguageTexts({ t, onSaved }: { t: PlatformTexts; onSaved: () => void }) {
  const intl = useIntl();
  const save = useApiMutation(
    (v: ReturnType<typeof fromServer>) => platformTextsApi.save(t.locale, { product_name: v.product_name.trim() || null, support_email: v.support_email.trim() || null, terms_url: v.terms_url.trim() || null, privacy_url: v.privacy_url.trim() || null }),
    { success: intl.formatMessage(m.saved, { language: t.language }), onDone: onSaved },
  );
  const https = (v: string) => (v.trim() === '' || /^https:\/\/\S+$/.test(v.trim()) ? null : intl.formatMessage(m.notHttps));
  const form = useApiForm(
    { initialValues: fromServer(t), validate: { terms_url: https, privacy_url: https, support_email: (v: string) => (v.trim() === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? null : intl.formatMessage(m.notEmail)) } },
    save,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the server's words change
  useEffect(() => {
    form.setValues(fromServer(t));
    form.resetDirty(fromServer(t));
  }, [t.updated_at]);
  return (
    <Paper withBorder p="lg" radius="md" data-testid={`texts-${t.locale}`}>
      <form noValidate onSubmit={form.submit((v) => save.run(v))}>
        <Stack gap="sm">
          <Title order={3} size="h4" lang={t.locale}>
            {t.language}
          </Title>
          <Text size="xs" c="dimmed">
            {t.updated_at ? intl.formatMessage(m.lastChanged, { date: formatDateTime(t.updated_at) }) : intl.formatMessage(m.neverSet)}
          </Text>
          <TextInput label={intl.formatMessage(m.productName)} description={intl.formatMessage(m.productNameHelp)} maxLength={80} {...form.getInputProps('product_name')} />
          <TextInput label={intl.formatMessage(m.supportEmail)} description={intl.formatMessage(m.supportEmailHelp)} type="email" {...form.getInputProps('support_email')} />
          <TextInput label={intl.formatMessage(m.termsUrl)} description={intl.formatMessage(m.emptyLink)} {...form.getInputProps('terms_url')} />
          <TextInput label={intl.formatMessage(m.privacyUrl)} description={intl.formatMessage(m.emptyLink)} {...form.getInputProps('privacy_url')} />
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={save.busy} disabled={!form.isDirty()}>
              {intl.formatMessage(m.save, { language: t.language })}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
