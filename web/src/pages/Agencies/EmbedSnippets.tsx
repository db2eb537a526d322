/**
 * The embed code in its two variants, each with a copy button. The plain iframe is written in the language of the
 * site it goes on, chosen here (at first the reader's own): the form speaks it and the frame's title — what a screen
 * reader announces on that site — is said in it. The script reads the page's language itself (embed.js).
 */
import { useState } from 'react';
import { NativeSelect, Skeleton, Stack, Tabs, Text } from '@mantine/core';
import { CopyableCode } from '../../components/CopyableCode.tsx';
import { embedSnippets } from '../../api/agencies.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';
import { useIntlIn } from '../../i18n/catalogs.ts';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../../i18n/locales.ts';
import { useLanguageChoice } from '../../i18n/language-choice.ts';

const m = defineMessages({
  language: { id: 'agencies.embed.language', defaultMessage: 'Language of the form' },
  languageHelp: {
    id: 'agencies.embed.language_help',
    defaultMessage: 'The language of the site you put it on: the form speaks it, and screen readers announce the frame in it.',
  },
  frameTitle: { id: 'agencies.embed.frame_title', defaultMessage: 'Voucher form' },
  copyLabel: {
    id: 'agencies.embed.copy_label',
    defaultMessage: 'the {variant, select, iframe {iframe} script {script} other {resize listener}} embed code',
  },
  iframeHelp: {
    id: 'agencies.embed.iframe_help',
    defaultMessage: 'Paste where the form should appear. Works on any site; the site needs no code of its own. The frame is tall enough for the whole form at its full width.',
  },
  resizeHelp: {
    id: 'agencies.embed.resize_help',
    defaultMessage:
      'Optional: add this once to the page so the frame grows and shrinks with the form (on narrow screens the fields stack and the form gets taller). It only accepts height messages from this {product}.',
  },
  scriptHelp: {
    id: 'agencies.embed.script_help',
    defaultMessage: 'The script inserts the form at its own position and sizes it to its content. It speaks the language of the page it is on.',
  },
  replace: {
    id: 'agencies.embed.replace',
    defaultMessage: 'Replace {token} with the token shown when it was generated or last rotated. {product} cannot show it again; rotate the token to get a new one.',
  },
});

/** The product's name (a brand: not translated). */
const PRODUCT = 'Partnergate';

function Snippet({ code, variant, testId }: { code: string; variant: 'iframe' | 'script' | 'resize'; testId: string }) {
  const intl = useIntl();
  return <CopyableCode value={code} copyLabel={intl.formatMessage(m.copyLabel, { variant })} testId={testId} align="flex-start" />;
}

export function EmbedSnippets({ token, placeholder }: { token: string; /** true when `token` stands in for the real one */ placeholder?: boolean }) {
  const intl = useIntl();
  const reader = useLanguageChoice().locale;
  const [language, setLanguage] = useState<Language>((LANGUAGES as readonly string[]).includes(reader) ? (reader as Language) : 'en');
  const inLanguage = useIntlIn(language);
  const s = embedSnippets(window.location.origin, token, inLanguage && { locale: language, title: inLanguage.formatMessage(m.frameTitle) });
  return (
    <Stack gap="xs">
      <Tabs defaultValue="iframe" keepMounted>
        <Tabs.List>
          <Tabs.Tab value="iframe" data-technical="">
            iframe
          </Tabs.Tab>
          <Tabs.Tab value="script" data-technical="">
            script
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="iframe" pt="xs">
          <Stack gap={6}>
            <Text size="sm" c="dimmed">
              <FormattedMessage {...m.iframeHelp} />
            </Text>
            <NativeSelect
              label={intl.formatMessage(m.language)}
              description={intl.formatMessage(m.languageHelp)}
              translate="no"
              maw={360}
              data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
              value={language}
              onChange={(e) => setLanguage(e.currentTarget.value as Language)}
              data-testid="embed-language"
            />
            {/* the chosen language's catalog is a moment away */}
            {s.iframe ? <Snippet code={s.iframe} variant="iframe" testId="embed-snippet-iframe" /> : <Skeleton height={64} />}
            <Text size="sm" c="dimmed" mt={4}>
              <FormattedMessage {...m.resizeHelp} values={{ product: PRODUCT }} />
            </Text>
            <Snippet code={s.resize} variant="resize" testId="embed-snippet-resize" />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="script" pt="xs">
          <Stack gap={6}>
            <Text size="sm" c="dimmed">
              <FormattedMessage {...m.scriptHelp} />
            </Text>
            <Snippet code={s.script} variant="script" testId="embed-snippet-script" />
          </Stack>
        </Tabs.Panel>
      </Tabs>
      {placeholder && (
        <Text size="xs" c="dimmed">
          <FormattedMessage {...m.replace} values={{ token: <span data-technical="">{token}</span>, product: PRODUCT }} />
        </Text>
      )}
    </Stack>
  );
}
