/** Agencies, their embedded-form tokens, the voucher catalog and vouchers (wire types and calls). */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';
import type { Page } from './types.ts';

export type FormConfig = Schemas['AgencyFormConfig'];

export type AgencyDto = Schemas['Agency'];

export type AgencyTokenDto = Schemas['AgencyToken'];

export type AgencyTokenWithSecret = Schemas['AgencyTokenWithSecret'];

export type VoucherTypeDto = Schemas['VoucherType'];

export type VoucherDto = Schemas['Voucher'];

const enc = encodeURIComponent;
const base = (tenantId: string) => `/api/v1/tenants/${enc(tenantId)}/agencies`;

export const agenciesApi = {
  list: (tenantId: string) => http.get<{ data: AgencyDto[] }>(base(tenantId)),
  get: (tenantId: string, agencyId: string) => http.get<AgencyDto>(`${base(tenantId)}/${enc(agencyId)}`),
  create: (tenantId: string, name: string) => http.post<AgencyDto>(base(tenantId), { name }),
  update: (tenantId: string, agencyId: string, body: { name?: string; status?: 'active' | 'inactive' }) => http.patch<AgencyDto>(`${base(tenantId)}/${enc(agencyId)}`, body),
  tokens: (tenantId: string, agencyId: string) => http.get<{ data: AgencyTokenDto[] }>(`${base(tenantId)}/${enc(agencyId)}/tokens`),
  createToken: (tenantId: string, agencyId: string, body: { label: string; form_config: FormConfig }) =>
    http.post<AgencyTokenWithSecret>(`${base(tenantId)}/${enc(agencyId)}/tokens`, body),
  updateToken: (tenantId: string, agencyId: string, tokenId: string, body: { label?: string; form_config?: FormConfig }) =>
    http.patch<AgencyTokenDto>(`${base(tenantId)}/${enc(agencyId)}/tokens/${enc(tokenId)}`, body),
  rotateToken: (tenantId: string, agencyId: string, tokenId: string) => http.post<AgencyTokenWithSecret>(`${base(tenantId)}/${enc(agencyId)}/tokens/${enc(tokenId)}/rotate`),
  revokeToken: (tenantId: string, agencyId: string, tokenId: string) => http.post<AgencyTokenDto>(`${base(tenantId)}/${enc(agencyId)}/tokens/${enc(tokenId)}/revoke`),
  voucherTypes: () => http.get<{ data: VoucherTypeDto[] }>('/api/v1/voucher-types'),
  vouchers: (tenantId: string, q: { agency_id?: string; cursor?: string; limit?: number }) => http.get<Page<VoucherDto>>(`/api/v1/tenants/${enc(tenantId)}/vouchers`, q),
};

/** The form's height with both results shown, at its full width (560 px): a plain iframe this tall needs no script. */
export const EMBED_IFRAME_HEIGHT = 820;

/**
 * The two ways to put a form on a site; the token goes in the URL fragment, never sent to a server.
 * The iframe is plain HTML; `resize` is an optional listener the site may add once per page so the
 * frame follows the form's height (the form posts it; narrow frames stack the fields and grow).
 */
export function embedSnippets(origin: string, token: string): { iframe: string; script: string; resize: string } {
  return {
    iframe: `<iframe src="${origin}/embed/form#token=${token}" title="Voucher form" width="100%" height="${EMBED_IFRAME_HEIGHT}" style="border:0;max-width:560px" allow="clipboard-write" referrerpolicy="no-referrer"></iframe>`,
    script: `<script src="${origin}/embed/assets/embed.js" data-token="${token}" async></script>`,
    resize: [
      '<script>',
      'window.addEventListener("message", function (e) {',
      `  if (e.origin !== "${origin}" || !e.data || e.data.type !== "partnergate:embed:height" || typeof e.data.height !== "number") return;`,
      '  document.querySelectorAll("iframe").forEach(function (f) {',
      '    if (f.contentWindow === e.source) f.style.height = Math.min(Math.max(Math.ceil(e.data.height), 120), 5000) + "px";',
      '  });',
      '});',
      '</script>',
    ].join('\n'),
  };
}
