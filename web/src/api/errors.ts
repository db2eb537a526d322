/** An RFC 9457 problem from the server, as the portal's code handles it (web/src/api/client.ts makes them). */

export interface FieldError {
  /** JSON pointer into the request, e.g. `/body/owner/email` */
  pointer: string;
  detail: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  request_id?: string;
  errors?: FieldError[];
}

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
