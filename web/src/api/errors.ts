/** An RFC 9457 problem from the server, as the portal's code handles it (web/src/api/client.ts makes them). */
import type { Schemas } from './schema.ts';

/** A field the server refused: `pointer` is a JSON pointer into the request, e.g. `/body/owner/email`. */
export type FieldError = NonNullable<Schemas['Problem']['errors']>[number];

/**
 * A problem as the portal handles it: the server's (Schemas['Problem']), or one made here when there is no
 * usable answer (the network failed, the body was not JSON), so every field but the status may be missing.
 */
export type Problem = Partial<Schemas['Problem']> & { status: number };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: FieldError[];
  readonly requestId: string | null;
  constructor(p: Problem) {
    const detail = p.detail || p.title || `The request failed (${p.status}).`;
    super(detail);
    this.name = 'ApiError';
    this.status = p.status;
    this.code = p.code ?? 'error';
    this.detail = detail;
    this.fields = p.errors ?? [];
    this.requestId = p.request_id ?? null;
  }

  /** A validation failure names fields; the form shows them next to the inputs. */
  get isValidation(): boolean {
    return this.status === 400 && this.fields.length > 0;
  }
}
