/**
 * The one place where what the server says becomes what a person reads.
 *
 * A 400 `validation_failed` problem lists `errors[]` of `{ pointer, detail }` whose detail is a
 * JSON-schema validator's wording ("must NOT have fewer than 1 items"). Nothing of that wording may
 * reach a person: `fieldSentence` turns each known shape into words, and anything else that still
 * reads like a validator becomes "is not valid". Whole-request problems get a sentence per code.
 */
import { ApiError } from '../api/errors.ts';

/** A field's problem in words, to follow the field's label ("Email" + " must be an email address"). */
export function fieldSentence(detail: string): string {
  let m: RegExpExecArray | null;
  if (/^must match pattern "\^https\?:\/\/"/.test(detail)) return 'must start with http:// or https://';
  if ((m = /^must match format "([^"]+)"/.exec(detail))) {
    const what: Record<string, string> = { email: 'an email address', uri: 'a web address (https://…)', 'date-time': 'a date and time', date: 'a date' };
    return `must be ${what[m[1]] ?? 'in the expected format'}`;
  }
  if (/^must match pattern/.test(detail)) return 'is not in the expected format';
  if ((m = /^must NOT have fewer than (\d+) characters?/.exec(detail))) return m[1] === '1' ? 'is required' : `must be at least ${m[1]} characters`;
  if ((m = /^must NOT have more than (\d+) characters?/.exec(detail))) return `must be at most ${m[1]} characters`;
  if ((m = /^must NOT have fewer than (\d+) items?/.exec(detail))) return m[1] === '1' ? 'needs at least one choice' : `needs at least ${m[1]} choices`;
  if ((m = /^must NOT have more than (\d+) items?/.exec(detail))) return `allows at most ${m[1]} choices`;
  if ((m = /^must NOT have (fewer|more) than (\d+) properties/.exec(detail))) return m[1] === 'fewer' ? 'needs at least one entry' : `allows at most ${m[2]} entries`;
  if ((m = /^must be (<=|>=|<|>) (-?[\d.]+)/.exec(detail))) {
    const word = { '<=': 'at most', '>=': 'at least', '<': 'less than', '>': 'more than' }[m[1]]!;
    return `must be ${word} ${m[2]}`;
  }
  if (/^must be (integer|number)/.test(detail)) return 'must be a number';
  if (/^must be boolean/.test(detail)) return 'must be yes or no';
  if (/^must be (string|object|array|null)/.test(detail)) return 'is not valid';
  if (/^must be equal to one of the allowed values/.test(detail) || /^must be equal to constant/.test(detail)) return 'is not one of the choices';
  if (/^must NOT have duplicate items/.test(detail)) return 'lists the same choice twice';
  if (/^must have required property/.test(detail) || detail === 'is required') return 'is required';
  if (/^must NOT have (additional|unevaluated) properties/.test(detail) || detail === 'is not a known field') return 'is not a field this form sends';
  if (/^must NOT contain/.test(detail)) return 'contains a character that is not allowed';
  // Any other validator wording ("must …", "should …") is not for people.
  if (/^(must|should) /.test(detail)) return 'is not valid';
  return detail;
}

/** A request pointer (`/body/owner/email`) as a form path (`owner.email`). */
export function fieldKey(pointer: string): string {
  return pointer.replace(/^\/(body|querystring|params)\/?/, '').replace(/^\//, '').replace(/\//g, '.');
}

/** Field problems keyed by form path, in words: what `@mantine/form`'s `setErrors` takes. */
export function fieldMessages(err: ApiError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of err.fields) {
    const key = fieldKey(f.pointer);
    if (key && !out[key]) out[key] = sentenceCase(fieldSentence(f.detail));
  }
  return out;
}

/** A field path as a label when the form gave none: `owner.email` → "Owner › email". */
export function fieldLabel(key: string, labels?: Record<string, string>): string {
  if (labels?.[key]) return sentenceCase(labels[key]);
  // "contacts.0.email" → "Email (contacts, 1st)"; "overrides.grant" → "Grant (overrides)": the field's own
  // word first, what it belongs to after — never the dotted path
  const parts = key.split('.');
  const words = (p: string) => p.replace(/_(id|ids)$/, '').replace(/_/g, ' ');
  const last = [...parts].reverse().find((p) => !/^\d+$/.test(p)) ?? key;
  const context = parts
    .slice(0, parts.lastIndexOf(last))
    .map((p) => (/^\d+$/.test(p) ? `number ${Number(p) + 1}` : words(p)))
    .join(', ');
  return sentenceCase(context ? `${words(last)} (${context})` : words(last));
}

function sentenceCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Whole-request problems whose server wording is about the protocol, not the person's task. */
const CODE_SENTENCES: Record<string, string> = {
  validation_failed: 'Some fields need attention.',
  invalid_id: 'This link or record does not exist (its address is malformed).',
  malformed_json: 'The portal sent a request the server could not read. Reload the page and try again.',
  json_too_deep: 'The portal sent a request the server could not read. Reload the page and try again.',
  bad_url: 'This address is malformed.',
  body_too_large: 'What you entered is too large to save.',
  unsupported_media_type: 'The portal sent a request the server could not read. Reload the page and try again.',
  method_not_allowed: 'This action is not available here.',
  internal_error: 'Something went wrong on the server. Try again in a moment.',
  service_unavailable: 'The service is unavailable right now. Try again in a moment.',
  database_unavailable: 'The service is unavailable right now. Try again in a moment.',
  rate_limited: 'Too many attempts in a short time. Wait a minute and try again.',
  rate_limiter_unavailable: 'The service is unavailable right now. Try again in a moment.',
  csrf_failed: 'Your session needs refreshing. Reload the page and try again.',
  network_error: 'The server cannot be reached. Check your connection and try again.',
};

/** Any thrown value as a sentence a person can read. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.isValidation) {
      const fields = fieldMessages(err);
      const parts = Object.entries(fields).map(([k, v]) => `${fieldLabel(k)}: ${v.charAt(0).toLowerCase()}${v.slice(1)}`);
      return parts.length ? `Please check ${parts.join('; ')}.` : CODE_SENTENCES.validation_failed;
    }
    return CODE_SENTENCES[err.code] ?? err.detail;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
