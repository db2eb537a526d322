/**
 * The one place where what the server says becomes what a person reads, in the portal's language.
 *
 * A 400 `validation_failed` problem lists `errors[]` of `{ pointer, detail }` whose detail is a
 * JSON-schema validator's wording ("must NOT have fewer than 1 items"). Nothing of that wording may
 * reach a person: `fieldSentence` turns each known shape into a message of the catalog, and anything else
 * that still reads like a validator becomes "is not valid". Whole-request problems get a message per code;
 * another code shows the server's own words when they are in the reader's language (`ApiError.inReaderLanguage`),
 * else the problem's title, which the server always says in the language the portal asked for.
 */
import type { IntlShape } from 'react-intl';
import { ApiError } from '../api/errors.ts';
import { defineMessages } from '../i18n/define.ts';
import { fieldWords as f } from './field-messages.ts';

const m = defineMessages({
  fieldInContext: { id: 'problems.field.in_context', defaultMessage: '{field} ({context})' },
  itemNumber: { id: 'problems.field.item_number', defaultMessage: 'number {number}' },
  checkFields: { id: 'problems.check_fields', defaultMessage: 'Please check {fields}.' },
  fieldProblem: { id: 'problems.field_problem', defaultMessage: '{field}: {problem}' },
  validationFailed: { id: 'problems.code.validation_failed', defaultMessage: 'Some fields need attention.' },
  invalidId: { id: 'problems.code.invalid_id', defaultMessage: 'This link or record does not exist (its address is malformed).' },
  unreadable: { id: 'problems.code.unreadable', defaultMessage: 'The portal sent a request the server could not read. Reload the page and try again.' },
  badUrl: { id: 'problems.code.bad_url', defaultMessage: 'This address is malformed.' },
  bodyTooLarge: { id: 'problems.code.body_too_large', defaultMessage: 'What you entered is too large to save.' },
  methodNotAllowed: { id: 'problems.code.method_not_allowed', defaultMessage: 'This action is not available here.' },
  internalError: { id: 'problems.code.internal_error', defaultMessage: 'Something went wrong on the server. Try again in a moment.' },
  unavailable: { id: 'problems.code.unavailable', defaultMessage: 'The service is unavailable right now. Try again in a moment.' },
  rateLimited: { id: 'problems.code.rate_limited', defaultMessage: 'Too many attempts in a short time. Wait a minute and try again.' },
  csrfFailed: { id: 'problems.code.csrf_failed', defaultMessage: 'Your session needs refreshing. Reload the page and try again.' },
  requestFailed: { id: 'problems.request_failed', defaultMessage: 'The request failed (status {status}).' },
  networkError: { id: 'problems.code.network_error', defaultMessage: 'The server cannot be reached. Check your connection and try again.' },
});

const BOUNDS: Record<string, string> = { '<=': 'lte', '>=': 'gte', '<': 'lt', '>': 'gt' };

type Sentence = (intl: IntlShape, match: RegExpExecArray) => string;

/** Validator wordings (AJV's, as the server passes them on) → the sentence that follows a field's label. */
const FIELD_SHAPES: [RegExp, Sentence][] = [
  [/^must match pattern "\^https\?:\/\/"/, (i) => i.formatMessage(f.webAddressStart)],
  [/^must match format "([^"]+)"/, (i, x) => i.formatMessage(f.format, { format: x[1].replace('-', '') })],
  [/^must match pattern/, (i) => i.formatMessage(f.pattern)],
  [/^must NOT have fewer than (\d+) characters?/, (i, x) => (x[1] === '1' ? i.formatMessage(f.required) : i.formatMessage(f.minLength, { count: Number(x[1]) }))],
  [/^must NOT have more than (\d+) characters?/, (i, x) => i.formatMessage(f.maxLength, { count: Number(x[1]) })],
  [/^must NOT have fewer than (\d+) items?/, (i, x) => i.formatMessage(f.minItems, { count: Number(x[1]) })],
  [/^must NOT have more than (\d+) items?/, (i, x) => i.formatMessage(f.maxItems, { count: Number(x[1]) })],
  [/^must NOT have fewer than (\d+) properties/, (i) => i.formatMessage(f.minProperties)],
  [/^must NOT have more than (\d+) properties/, (i, x) => i.formatMessage(f.maxProperties, { count: Number(x[1]) })],
  [/^must be (<=|>=|<|>) (-?[\d.]+)/, (i, x) => i.formatMessage(f.bound, { bound: BOUNDS[x[1]], limit: i.formatNumber(Number(x[2])) })],
  [/^must be (integer|number)/, (i) => i.formatMessage(f.number)],
  [/^must be boolean/, (i) => i.formatMessage(f.boolean)],
  [/^must be (string|object|array|null)/, (i) => i.formatMessage(f.invalid)],
  [/^must be equal to (one of the allowed values|constant)/, (i) => i.formatMessage(f.notAChoice)],
  [/^must NOT have duplicate items/, (i) => i.formatMessage(f.duplicates)],
  [/^(must have required property|is required$)/, (i) => i.formatMessage(f.required)],
  [/^(must NOT have (additional|unevaluated) properties|is not a known field$)/, (i) => i.formatMessage(f.unknownField)],
  [/^must NOT contain/, (i) => i.formatMessage(f.forbiddenCharacter)],
  // Any other validator wording ("must …", "should …") is not for people.
  [/^(must|should) /, (i) => i.formatMessage(f.invalid)],
];

/**
 * A field's problem in words, to follow the field's label ("Email" + " must be an email address"). A detail
 * of no known shape is the server's own sentence about the field, shown as it came.
 */
export function fieldSentence(intl: IntlShape, detail: string): string {
  for (const [shape, say] of FIELD_SHAPES) {
    const match = shape.exec(detail);
    if (match) return say(intl, match);
  }
  return detail;
}

/** A request pointer (`/body/owner/email`) as a form path (`owner.email`). */
export function fieldKey(pointer: string): string {
  return pointer.replace(/^\/(body|querystring|params)\/?/, '').replace(/^\//, '').replace(/\//g, '.');
}

/** Field problems keyed by form path, in words: what `@mantine/form`'s `setErrors` takes. */
export function fieldMessages(intl: IntlShape, err: ApiError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of err.fields) {
    const key = fieldKey(e.pointer);
    if (key && !out[key]) out[key] = sentenceCase(fieldSentence(intl, e.detail));
  }
  return out;
}

/** A field path as a label when the form gave none: `owner.email` → "Email (owner)". */
export function fieldLabel(intl: IntlShape, key: string, labels?: Record<string, string>): string {
  if (labels?.[key]) return sentenceCase(labels[key]);
  // "contacts.0.email" → "Email (contacts, number 1)"; "overrides.grant" → "Grant (overrides)": the field's own
  // word first, what it belongs to after — never the dotted path
  const parts = key.split('.');
  const words = (p: string) => p.replace(/_(id|ids)$/, '').replace(/_/g, ' ');
  const last = [...parts].reverse().find((p) => !/^\d+$/.test(p)) ?? key;
  const context = parts.slice(0, parts.lastIndexOf(last)).map((p) => (/^\d+$/.test(p) ? intl.formatMessage(m.itemNumber, { number: Number(p) + 1 }) : words(p)));
  const field = sentenceCase(words(last));
  return context.length ? intl.formatMessage(m.fieldInContext, { field, context: context.join(', ') }) : field;
}

/** "{field}: {problem}" for one field of a list, the problem in lower case after the label. */
export function fieldProblem(intl: IntlShape, field: string, problem: string): string {
  return intl.formatMessage(m.fieldProblem, { field, problem: problem.charAt(0).toLowerCase() + problem.slice(1) });
}

function sentenceCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Whole-request problems whose server wording is about the protocol, not the person's task. */
const CODE_SENTENCES: Record<string, (typeof m)[keyof typeof m]> = {
  validation_failed: m.validationFailed,
  invalid_id: m.invalidId,
  malformed_json: m.unreadable,
  json_too_deep: m.unreadable,
  bad_url: m.badUrl,
  body_too_large: m.bodyTooLarge,
  unsupported_media_type: m.unreadable,
  method_not_allowed: m.methodNotAllowed,
  internal_error: m.internalError,
  service_unavailable: m.unavailable,
  database_unavailable: m.unavailable,
  rate_limited: m.rateLimited,
  rate_limiter_unavailable: m.unavailable,
  csrf_failed: m.csrfFailed,
  network_error: m.networkError,
};

/** Any thrown value as a sentence a person can read, in the portal's language. */
export function errorMessage(intl: IntlShape, err: unknown): string {
  if (err instanceof ApiError) {
    if (err.isValidation) {
      const parts = Object.entries(fieldMessages(intl, err)).map(([k, v]) => fieldProblem(intl, fieldLabel(intl, k), v));
      return parts.length ? intl.formatMessage(m.checkFields, { fields: parts.join('; ') }) : intl.formatMessage(m.validationFailed);
    }
    const sentence = CODE_SENTENCES[err.code];
    if (sentence) return intl.formatMessage(sentence);
    // the server's detail is English unless it says otherwise; its title follows the language the portal asked for
    if (err.serverDetail && err.inReaderLanguage) return err.serverDetail;
    return err.title ?? err.serverDetail ?? intl.formatMessage(m.requestFailed, { status: err.status });
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
