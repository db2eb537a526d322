/** An RFC 9457 problem from the server, as the portal's code handles it (web/src/api/client.ts makes them). */
import type { Schemas } from './schema.ts';

/** A field the server refused: `pointer` is a JSON pointer into the request, e.g. `/body/owner/email`. */
export type FieldError = NonNullable<Schemas['Problem']['errors']>[number];

/**
 * A problem as the portal handles it: the server's (Schemas['Problem']), or one made here when there is no
 * usable answer (the network failed, the body was not JSON), so every field but the status may be missing.
 */
export type Problem = Partial<Schemas['Problem']> & { status: number };

/** The language the portal asked the server for (Accept-Language) and the one it says it answered in (Content-Language). */
export interface AnswerLanguage {
  asked: string | null;
  answered: string | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** the server's sentence (else its title): for logs and developers; a person reads query/messages.ts's `errorMessage` */
  readonly detail: string;
  /** the problem's title, in the language the portal asked for (the server translates every code's title) */
  readonly title: string | null;
  /** the server's own sentence, when it wrote one */
  readonly serverDetail: string | null;
  /**
   * Whether `detail` is in the language the portal asked for: the server writes details in English unless its
   * Content-Language says otherwise, so a reader of English (or a request that named no language) reads it as is.
   */
  readonly inReaderLanguage: boolean;
  readonly fields: FieldError[];
  readonly requestId: string | null;
  constructor(p: Problem, language: AnswerLanguage = { asked: null, answered: null }) {
    const detail = p.detail || p.title || `The request failed (${p.status}).`;
    super(detail);
    this.name = 'ApiError';
    this.status = p.status;
    this.code = p.code ?? 'error';
    this.detail = detail;
    this.title = p.title || null;
    this.serverDetail = p.detail || null;
    const asked = language.asked?.toLowerCase() ?? null;
    this.inReaderLanguage = asked === null || asked === 'en' || asked === language.answered?.toLowerCase();
    this.fields = p.errors ?? [];
    this.requestId = p.request_id ?? null;
  }

  /**
   * A validation failure names fields; the form shows them next to the inputs. A malformed identifier in the
   * address (`invalid_id`) names a path parameter, nothing the person filled in: it is a whole-request problem.
   */
  get isValidation(): boolean {
    return this.status === 400 && this.fields.length > 0 && this.code !== 'invalid_id';
  }
}
