/**
 * What a refused field needs, said to a person: each follows the field's label ("Email" + " must be an email
 * address"). query/messages.ts picks one per validator wording the server passes on.
 */
import { defineMessages } from '../i18n/define.ts';

export const fieldWords = defineMessages({
  webAddressStart: { id: 'problems.field.web_address_start', defaultMessage: 'must start with http:// or https://' },
  format: {
    id: 'problems.field.format',
    defaultMessage:
      'must be {format, select, email {an email address} uri {a web address (https://…)} datetime {a date and time} date {a date} other {in the expected format}}',
  },
  pattern: { id: 'problems.field.pattern', defaultMessage: 'is not in the expected format' },
  required: { id: 'problems.field.required', defaultMessage: 'is required' },
  minLength: { id: 'problems.field.min_length', defaultMessage: 'must be at least {count, plural, one {# character} other {# characters}}' },
  maxLength: { id: 'problems.field.max_length', defaultMessage: 'must be at most {count, plural, one {# character} other {# characters}}' },
  minItems: { id: 'problems.field.min_items', defaultMessage: '{count, plural, one {needs at least one choice} other {needs at least # choices}}' },
  maxItems: { id: 'problems.field.max_items', defaultMessage: '{count, plural, one {allows at most one choice} other {allows at most # choices}}' },
  minProperties: { id: 'problems.field.min_properties', defaultMessage: 'needs at least one entry' },
  maxProperties: { id: 'problems.field.max_properties', defaultMessage: '{count, plural, one {allows at most one entry} other {allows at most # entries}}' },
  bound: {
    id: 'problems.field.bound',
    defaultMessage: 'must be {bound, select, lte {at most {limit}} gte {at least {limit}} lt {less than {limit}} other {more than {limit}}}',
  },
  number: { id: 'problems.field.number', defaultMessage: 'must be a number' },
  boolean: { id: 'problems.field.boolean', defaultMessage: 'must be yes or no' },
  invalid: { id: 'problems.field.invalid', defaultMessage: 'is not valid' },
  notAChoice: { id: 'problems.field.not_a_choice', defaultMessage: 'is not one of the choices' },
  duplicates: { id: 'problems.field.duplicates', defaultMessage: 'lists the same choice twice' },
  unknownField: { id: 'problems.field.unknown_field', defaultMessage: 'is not a field this form sends' },
  forbiddenCharacter: { id: 'problems.field.forbidden_character', defaultMessage: 'contains a character that is not allowed' },
});
