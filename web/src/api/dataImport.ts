/** CSV import through a data source (operator): templates, preview with each row's errors, apply on confirmation. */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type ImportPreviewDto = Schemas['ImportPreview'];
export type ImportAppliedDto = Schemas['ImportApplied'];
export type ImportKind = 'billing_account' | 'invoice' | 'payment' | 'service' | 'order' | 'ticket' | 'usage' | 'sla' | 'subscriber';

const enc = encodeURIComponent;

export const dataImportApi = {
  templateUrl: (kind: ImportKind) => `/api/v1/data-sources/import/templates/${enc(kind)}`,
  preview: (id: string, body: { kind: ImportKind; csv: string; mapping?: Record<string, string> }) => http.post<ImportPreviewDto>(`/api/v1/data-sources/${enc(id)}/import/preview`, body),
  apply: (id: string, body: { kind: ImportKind; csv: string; mapping?: Record<string, string>; confirm: true }) => http.post<ImportAppliedDto>(`/api/v1/data-sources/${enc(id)}/import`, body),
};
