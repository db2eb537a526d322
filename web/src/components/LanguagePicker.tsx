/**
 * The language of the pages shown before signing in, for a person whose browser asks for another: the choice is
 * kept in this browser and sent with every request (Accept-Language), so what the server answers — a wrong
 * password, a reset link that expired — is in it too. Each language is named in itself, as pickers do.
 */
import { NativeSelect } from '@mantine/core';
import { IconLanguage } from '@tabler/icons-react';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';
import { LANGUAGE_NAMES, LANGUAGES, isLocale } from '../i18n/locales.ts';
import { useLanguageChoice } from '../i18n/language-choice.ts';
import { useSession } from '../session/SessionContext.tsx';

const m = defineMessages({
  language: { id: 'components.language_picker.label', defaultMessage: 'Language' },
});

export function LanguagePicker() {
  const intl = useIntl();
  const { locale, choose } = useLanguageChoice();
  const { me } = useSession();
  // signed in (an invitation page), the account page's choice is the one that counts
  if (me) return null;
  // a pseudo-locale (the browser tests') is no one's choice, but the picker shows what is on screen
  const data = [...LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] })), ...((LANGUAGES as readonly string[]).includes(locale) ? [] : [{ value: locale, label: locale }])];
  return (
    <NativeSelect
      aria-label={intl.formatMessage(m.language)}
      translate="no"
      size="xs"
      w={140}
      leftSection={<IconLanguage size={14} aria-hidden />}
      data={data}
      value={locale}
      onChange={(e) => {
        const v = e.currentTarget.value;
        if (isLocale(v)) choose(v);
      }}
      data-testid="language-picker"
    />
  );
}
