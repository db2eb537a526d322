/**
 * RFC 9457 problem details: one envelope for every error the service writes.
 * Unknown errors become a fixed `internal_error` — never err.message, never a stack.
 */
import type { FieldError } from './app-error.ts';
import { AppError, titleFor } from './app-error.ts';

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

export function problemFrom(err: AppError, requestId: string, instance?: string): Problem {
  const p: Problem = {
    type: TYPE_BASE + err.code.replace(/_/g, '-'),
    title: titleFor(err.code, err.status),
    status: err.status,
    detail: err.detail,
    code: err.code,
    request_id: requestId,
  };
  if (instance) p.instance = instance;
  if (err.fields?.length) p.errors = err.fields;
  if (err.extensions) Object.assign(p, err.extensions);
  return p;
}

export function internalProblem(requestId: string): Problem {
  return problemFrom(new AppError('internal_error', 500, 'An unexpected error occurred. Quote the request id when reporting it.'), requestId);
}
