/** The operator's words on the sign-in and consent pages, per language (wire types and calls). */
import { http } from './client.ts';
import type { Answer, Body } from './schema.ts';

export type PlatformTexts = Answer<'/api/v1/platform/texts', 'get'>['data'][number];
export type SavePlatformTexts = Body<'/api/v1/platform/texts/{locale}', 'put'>;

export const platformTextsApi = {
  list: () => http.get<Answer<'/api/v1/platform/texts', 'get'>>('/api/v1/platform/texts'),
  save: (locale: string, body: SavePlatformTexts) => http.put<PlatformTexts>(`/api/v1/platform/texts/${encodeURIComponent(locale)}`, body),
};
