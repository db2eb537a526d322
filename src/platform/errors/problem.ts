/**
 * RFC 9457 problem details: one envelope for every error the service writes.
 * Unknown errors become a fixed `internal_error` — never err.message, never a stack.
 */
import type { FieldError } from './app-error.ts';
import { AppError, titleFor } from './app-error.ts';
import { defineMessages, intlFor } from '../i18n/intl.ts';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locales.ts';

/**
 * The problem's `title` in the reader's language: the title a module declared for the code is the English
 * text of the message `error.<code>` (`npm run i18n` puts every declared code's title in the server catalog).
 */
export function localizedTitle(code: string, status: number, locale: Locale = DEFAULT_LOCALE): string {
  const title = titleFor(code, status);
  if (locale === DEFAULT_LOCALE) return title;
  const intl = intlFor(locale);
  const id = `error.${code}`;
  // built from the code, not written here: the catalog script lists these ids from the declared codes
  const message = { id, defaultMessage: title };
  return id in intl.messages ? intl.formatMessage(message) : title;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://partnergate.dev/problems/';

/**
 * The problem's `detail` in the reader's language: a detail given as a message is said from the catalog, one
 * left out at the throw site is the title (so localized as the title is); a plain string is written as given.
 */
export function localizedDetail(err: AppError, locale: Locale = DEFAULT_LOCALE): string {
  const l = err.localized;
  if (l === undefined || locale === DEFAULT_LOCALE) return err.detail;
  if ('title' in l) return localizedTitle(err.code, err.status, locale);
  return intlFor(locale).formatMessage(l.message, l.values);
}

export function problemFrom(err: AppError, requestId: string, instance?: string, locale?: Locale): Problem {
  const p: Problem = {
    type: TYPE_BASE + err.code.replace(/_/g, '-'),
    title: localizedTitle(err.code, err.status, locale),
    status: err.status,
    detail: localizedDetail(err, locale),
    code: err.code,
    request_id: requestId,
  };
  if (instance) p.instance = instance;
  if (err.fields?.length) p.errors = err.fields;
  if (err.extensions) Object.assign(p, err.extensions);
  return p;
}

const m = defineMessages({
  internalDetail: { id: 'problem.internal_error.detail', defaultMessage: 'An unexpected error occurred. Quote the request id when reporting it.' },
});

/** The fixed answer to an unexpected error, in the reader's language (its title and its one sentence; nothing of the error itself). */
export function internalProblem(requestId: string, locale: Locale = DEFAULT_LOCALE): Problem {
  return problemFrom(new AppError('internal_error', 500, m.internalDetail), requestId, undefined, locale);
}
