/**
 * The operator's words on the sign-in and consent pages, per language, over HTTP: read and written by
 * the operator (audited as platform_texts.updated); the pages read them server-side.
 */
import type { AudienceRoutes } from '../../platform/http/app-types.ts';
import { Language, Nullable, problems, Strict, Type } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { LanguagesService } from './languages.service.ts';

const TextsDto = Type.Object(
  {
    locale: Type.String({ description: 'the language, as a BCP 47 tag' }),
    language: Type.String({ description: 'the language named in itself, e.g. Français' }),
    product_name: Nullable(Type.String({ description: 'the product name the sign-in and consent pages show; null = Partnergate' })),
    support_email: Nullable(Type.String({ description: 'the address the pages give for help; null = none shown' })),
    terms_url: Nullable(Type.String({ description: 'the terms of service the pages link to; null = none' })),
    privacy_url: Nullable(Type.String({ description: 'the privacy notice the pages link to; null = none' })),
    updated_at: Nullable(Type.String({ format: 'date-time' })),
  },
  { title: 'PlatformTexts' },
);
const HttpsUrl = Type.String({ format: 'uri', pattern: '^https://', maxLength: 500 });
const TextsBody = Strict({
  product_name: Nullable(Type.String({ maxLength: 80 })),
  support_email: Nullable(Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Literal('')])),
  terms_url: Nullable(Type.Union([HttpsUrl, Type.Literal('')])),
  privacy_url: Nullable(Type.Union([HttpsUrl, Type.Literal('')])),
});
const OPERATOR = { operator: 'platform.texts.manage' };

export function languageRoutes(d: { languages: LanguagesService; access: Access }): AudienceRoutes {
  const { languages, access } = d;
  return {
    operator(app) {
      app.get(
        '/api/v1/platform/texts',
        {
          config: OPERATOR,
          schema: { tags: ['languages'], summary: 'The words of the sign-in and consent pages in each language (operator)', response: { 200: Type.Object({ data: Type.Array(TextsDto) }), ...problems(401, 403) } },
        },
        async (req) => {
          access.operator(req, 'platform.texts.manage');
          return { data: await languages.listTexts() };
        },
      );
      app.put(
        '/api/v1/platform/texts/:locale',
        {
          config: OPERATOR,
          schema: {
            tags: ['languages'],
            summary: 'Set the product name, support address and legal links the sign-in and consent pages show in one language (operator; audited)',
            params: Strict({ locale: Language('the language these words are for') }),
            body: TextsBody,
            response: { 200: TextsDto, ...problems(400, 401, 403) },
          },
        },
        async (req) => {
          access.operator(req, 'platform.texts.manage');
          return languages.setTexts(req.ctx(), req.params.locale, req.body);
        },
      );
    },
  };
}
