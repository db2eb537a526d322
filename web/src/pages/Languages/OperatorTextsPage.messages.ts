/** The words of OperatorTextsPage (its messages, kept apart so the page stays readable). */
import { defineMessages } from '../../i18n/define.ts';

export const m = defineMessages({
  title: { id: 'operator_texts.title', defaultMessage: 'Sign-in page texts' },
  description: {
    id: 'operator_texts.description',
    defaultMessage:
      'What the sign-in and consent pages that partner apps send people to say about you, in each language: your product name, where to get help, and your terms and privacy notice. A language without its own words uses English’s, then the product’s own.',
  },
  loading: { id: 'operator_texts.loading', defaultMessage: 'Loading the texts…' },
  productName: { id: 'operator_texts.product_name', defaultMessage: 'Product name' },
  productNameHelp: { id: 'operator_texts.product_name_help', defaultMessage: 'Shown at the top of the pages and in “Sign in with your … account”. Empty: Partnergate.' },
  supportEmail: { id: 'operator_texts.support_email', defaultMessage: 'Help address' },
  supportEmailHelp: { id: 'operator_texts.support_email_help', defaultMessage: 'An e-mail address people can write to when they are stuck. Empty: none shown.' },
  termsUrl: { id: 'operator_texts.terms_url', defaultMessage: 'Terms of service (https address)' },
  privacyUrl: { id: 'operator_texts.privacy_url', defaultMessage: 'Privacy notice (https address)' },
  emptyLink: { id: 'operator_texts.empty_link', defaultMessage: 'Empty: no link.' },
  save: { id: 'operator_texts.save', defaultMessage: 'Save {language}' },
  saved: { id: 'operator_texts.saved', defaultMessage: 'Saved. The {language} pages show these words from now on.' },
  lastChanged: { id: 'operator_texts.last_changed', defaultMessage: 'Last changed {date}' },
  neverSet: { id: 'operator_texts.never_set', defaultMessage: 'Not written yet: the pages use the English words, then the product’s own.' },
  notHttps: { id: 'operator_texts.not_https', defaultMessage: 'Enter an address that starts with https://' },
  notEmail: { id: 'operator_texts.not_email', defaultMessage: 'Enter an e-mail address like help@example.com' },
});
