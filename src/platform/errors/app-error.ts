/**
 * The one application error. Codes are snake_case and stable; each module declares its own
 * in `<m>.errors.ts` through `defineErrors`, which also registers them so a test can check
 * that no two modules claim the same code with a different meaning.
 */
import { intlFor, type MessageDescriptor } from '../i18n/intl.ts';

export interface FieldError {
  /** JSON pointer of the offending field, e.g. `/body/email`. */
  pointer: string;
  detail: string;
}

/** Values for a detail's ICU placeholders. */
export type DetailValues = Record<string, string | number | Date>;

/**
 * How a problem's `detail` is said in the reader's language: a catalog message and its values, or the
 * code's title (a throw site that gave no detail). A plain-string detail has none and is written as given.
 */
export type LocalizedDetail = { message: MessageDescriptor; values?: DetailValues; /** the English detail, when it says more than the message (a decision's own reason) */ english?: string } | { title: true };

export interface AppErrorOptions {
  fields?: FieldError[];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
  /** the values of the detail message's placeholders (a detail given as a message descriptor) */
  values?: DetailValues;
}

/** The English text of a message with its values: the detail logs read, and a problem written without a reader's language. */
function englishOf(message: MessageDescriptor, values: DetailValues | undefined): string {
  return intlFor('en').formatMessage(message, values);
}

function isLocalized(d: MessageDescriptor | LocalizedDetail): d is LocalizedDetail {
  return 'message' in d || 'title' in d;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  /** the detail in English (logs; a problem written without a reader's language) */
  readonly detail: string;
  /** how the detail is said in the reader's language; undefined: `detail` as given */
  readonly localized?: LocalizedDetail;
  readonly fields?: FieldError[];
  /** Extra headers for the response (e.g. Retry-After). */
  readonly headers?: Record<string, string>;
  /** Extra members for the problem document (e.g. `retry_after`). */
  readonly extensions?: Record<string, unknown>;

  constructor(code: string, status: number, detail: string | MessageDescriptor | LocalizedDetail, opts: AppErrorOptions = {}) {
    const localized: LocalizedDetail | undefined = typeof detail === 'string' ? undefined : isLocalized(detail) ? detail : { message: detail, values: opts.values };
    const english = typeof detail === 'string' ? detail : localized !== undefined && 'message' in localized ? (localized.english ?? englishOf(localized.message, localized.values)) : titleFor(code, status);
    super(english);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.detail = english;
    this.localized = localized;
    this.fields = opts.fields;
    this.headers = opts.headers;
    this.extensions = opts.extensions;
  }
}

export interface ErrorSpec {
  status: number;
  title: string;
}

const registry = new Map<string, ErrorSpec & { module: string }>();

/** Every declared code, for the uniqueness test and the docs. */
export function declaredErrorCodes(): ReadonlyMap<string, ErrorSpec & { module: string }> {
  return registry;
}

export class DuplicateErrorCode extends Error {}

/**
 * An error code's factory. The detail is a sentence for the reader: a message descriptor (from
 * `defineMessages`, ICU placeholders filled from `opts.values`) is said in the reader's language; a plain
 * string is written as given (machine-facing answers whose wording a standard fixes); none: the title.
 */
export type ErrorFactory = (detail?: string | MessageDescriptor | LocalizedDetail, opts?: AppErrorOptions) => AppError;

/**
 * Declare a module's error codes. Returns factories: `errors.tenant_not_found('detail')`.
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(
  module: string,
  specs: T,
): { [K in keyof T]: ErrorFactory } {
  const out: Record<string, ErrorFactory> = {};
  for (const [code, spec] of Object.entries(specs)) {
    const existing = registry.get(code);
    if (existing && (existing.status !== spec.status || existing.module !== module)) {
      throw new DuplicateErrorCode(`error code ${code} declared by ${existing.module} and ${module}`);
    }
    registry.set(code, { ...spec, module });
    out[code] = (detail, opts) => new AppError(code, spec.status, detail ?? { title: true }, opts);
  }
  return out as { [K in keyof T]: ErrorFactory };
}

export function titleFor(code: string, status: number): string {
  return registry.get(code)?.title ?? STATUS_TITLES[status] ?? 'Error';
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
