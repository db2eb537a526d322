import { Type, Strict, Id, Name, Nullable } from '../../platform/http/schemas.ts';
import { FORM_LIMITS } from './form-config.ts';

export const FormConfigDto = Type.Object({
  allowed_voucher_types: Type.Array(Type.String(), { description: 'voucher types (GET /api/v1/voucher-types) the form may issue' }),
  intro_text: Type.String({ description: 'plain text shown above the form' }),
  rules_list: Type.Array(Type.String(), { description: 'plain-text rules listed under the form' }),
}, { title: 'AgencyFormConfig' });

export const FormConfigBody = Strict({
  allowed_voucher_types: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50, description: 'at least one voucher type of the catalog' }),
  intro_text: Type.Optional(Type.String({ maxLength: FORM_LIMITS.introText })),
  rules_list: Type.Optional(Type.Array(Type.String({ maxLength: FORM_LIMITS.ruleLength }), { maxItems: FORM_LIMITS.rules })),
});

export const AgencyDto = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('inactive')]),
  created_at: Type.String(),
  updated_at: Type.String(),
  active_tokens: Type.Optional(Type.Integer()),
  total_tokens: Type.Optional(Type.Integer()),
  last_used_at: Type.Optional(Nullable(Type.String({ description: 'last use of any of its tokens' }))),
}, { title: 'Agency' });

export const AgencyTokenDto = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  agency_id: Type.String(),
  label: Type.String(),
  token_prefix: Type.String({ description: 'the first characters of the secret, to tell tokens apart' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
  form_config: FormConfigDto,
  created_at: Type.String(),
  updated_at: Type.String(),
  last_used_at: Nullable(Type.String({ description: 'updated in batches, within a few seconds of use' })),
  rotated_at: Nullable(Type.String()),
  revoked_at: Nullable(Type.String()),
}, { title: 'AgencyToken' });

export const AgencyTokenWithSecret = Type.Object({
  ...AgencyTokenDto.properties,
  token: Type.String({ description: 'the secret (pgagt_…): shown this once, stored only as a hash' }),
}, { title: 'AgencyTokenWithSecret' });

export const TenantParams = Strict({ tenant_id: Id('tnt') });
export const AgencyParams = Strict({ tenant_id: Id('tnt'), agency_id: Id('agy') });
export const TokenParams = Strict({ tenant_id: Id('tnt'), agency_id: Id('agy'), token_id: Id('agt') });

export const CreateAgencyBody = Strict({ name: Name });
export const UpdateAgencyBody = Strict({
  name: Type.Optional(Name),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('inactive')], { description: 'inactive refuses every token of the agency from the next request' })),
});

export const CreateTokenBody = Strict({
  label: Type.Optional(Type.String({ minLength: 1, maxLength: 120, description: 'which form this token is for (default "Embedded form")' })),
  form_config: FormConfigBody,
});
export const UpdateTokenBody = Strict({
  label: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  form_config: Type.Optional(FormConfigBody),
});
