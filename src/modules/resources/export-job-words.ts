/**
 * What an export job says to a person — why it failed, why its file cannot be downloaded yet or any
 * more — in the reader's language. A job stores why it failed as a stable code and its figures
 * (export_jobs.error_code, error_values), never a sentence for one language; the sentence is written
 * here when the job is read. A job that failed before the code was kept has only its English
 * sentence (export_jobs.error), shown as it is.
 */
import { defineMessages, intlFor, say } from '../../platform/i18n/intl.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';

const m = defineMessages({
  writeFailed: {
    id: 'export_job.error.write_failed',
    defaultMessage: 'The export stopped after {done, number} of {total, plural, one {# invoice} other {# invoices}} and could not be written; start it again.',
  },
  notReady: {
    id: 'export_job.not_ready',
    defaultMessage: '{status, select, failed {The export failed; start it again.} other {The export is not finished yet ({done} of {total} invoices).}}',
  },
  madeBeforeRecheck: { id: 'export_job.expired.made_before_recheck', defaultMessage: 'This export was made before exports were checked again at download; export again.' },
  fileGone: { id: 'export_job.expired.file_gone', defaultMessage: 'The file is no longer kept; export again.' },
});

/** The reasons a job can fail, by their stable code. */
const FAILURES = { export_write_failed: m.writeFailed } as const;
export type ExportFailureCode = keyof typeof FAILURES;

/** What is stored when a job fails: the code, its figures, and (for the release before and for logs) the English sentence. */
export function failureRecord(code: ExportFailureCode, values: Record<string, number>): { error: string; error_code: string; error_values: string } {
  return { error: say(intlFor(DEFAULT_LOCALE), FAILURES[code], values), error_code: code, error_values: JSON.stringify(values) };
}

/** Why a job failed, in the reader's language; a job from before codes were kept says its stored English sentence. */
export function failureText(j: { error: string | null; error_code?: string | null; error_values?: string | null }, locale: Locale = DEFAULT_LOCALE): string | null {
  const msg = j.error_code && Object.hasOwn(FAILURES, j.error_code) ? FAILURES[j.error_code as ExportFailureCode] : null;
  if (!msg) return j.error;
  let values: Record<string, number> = {};
  try {
    values = JSON.parse(j.error_values ?? '{}') as Record<string, number>;
  } catch {
    // unreadable figures: the sentence without them is still better than none
  }
  return say(intlFor(locale), msg, values);
}

/** The download's refusals, in the reader's language. */
export function jobWords(locale: Locale = DEFAULT_LOCALE) {
  const intl = intlFor(locale);
  return {
    notReady: (status: string, done: number, total: number) => say(intl, m.notReady, { status, done, total }),
    madeBeforeRecheck: () => say(intl, m.madeBeforeRecheck),
    fileGone: () => say(intl, m.fileGone),
  };
}
