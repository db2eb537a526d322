/**
 * The one application error. Codes are snake_case and stable; each module declares its own
 * in `<m>.errors.ts` through `defineErrors`, which also registers them so a test can check
 * that no two modules claim the same code with a different meaning.
 */
export interface FieldError {
  /** JSON pointer of the offending field, e.g. `/body/email`. */
  pointer: string;
  detail: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: string;
  readonly fields?: FieldError[];
  /** Extra headers for the response (e.g. Retry-After). */
  readonly headers?: Record<string, string>;
  /** Extra members for the problem document (e.g. `retry_after`). */
  readonly extensions?: Record<string, unknown>;

  constructor(
    code: string,
    status: number,
    detail: string,
    opts: { fields?: FieldError[]; headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.detail = detail;
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
 * Declare a module's error codes. Returns factories: `errors.tenant_not_found('detail')`.
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(
  module: string,
  specs: T,
): { [K in keyof T]: (detail?: string, opts?: ConstructorParameters<typeof AppError>[3]) => AppError } {
  const out: Record<string, (detail?: string, opts?: ConstructorParameters<typeof AppError>[3]) => AppError> = {};
  for (const [code, spec] of Object.entries(specs)) {
    const existing = registry.get(code);
    if (existing && (existing.status !== spec.status || existing.module !== module)) {
      throw new DuplicateErrorCode(`error code ${code} declared by ${existing.module} and ${module}`);
    }
    registry.set(code, { ...spec, module });
    out[code] = (detail, opts) => new AppError(code, spec.status, detail ?? spec.title, opts);
  }
  return out as { [K in keyof T]: (detail?: string, opts?: ConstructorParameters<typeof AppError>[3]) => AppError };
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
