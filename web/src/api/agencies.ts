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

/** The language the embedded form speaks (`&locale=` / `data-locale`) and its frame's title in that language. */
export interface EmbedLanguage {
  locale: string;
  title: string;
}

/** A value inside a double-quoted HTML attribute. */
function attr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The two ways to put a form on a site; the token goes in the URL fragment, never sent to a server.
 * The iframe is plain HTML; `resize` is an optional listener the site may add once per page so the
 * frame follows the form's height (the form posts it; narrow frames stack the fields and grow).
 * The iframe names the form's language (`&locale=`) and says its title in it: the title is what a screen reader
 * announces on the site, so it is in the site's language, like the form inside it. The script needs neither: it
 * reads the page's `<html lang>` and carries the title in every language (embed.js).
 */
export function embedSnippets(origin: string, token: string, lang: EmbedLanguage | null): { iframe: string | null; script: string; resize: string } {
  return {
    // no language yet (its words are loading): no snippet rather than one in the wrong language
    iframe:
      lang &&
      `<iframe src="${origin}/embed/form#token=${token}&locale=${encodeURIComponent(lang.locale)}" title="${attr(lang.title)}" width="100%" height="${EMBED_IFRAME_HEIGHT}" style="border:0;max-width:560px" allow="clipboard-write" referrerpolicy="no-referrer"></iframe>`,
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
