/**
 * An agency token's form configuration: which voucher types the form may issue, the text above
 * it and the rules listed under it. Stored as JSON on the token (form_config); the embed API
 * enforces allowed_voucher_types, the form renders the rest as plain text (never HTML).
 */
import { voucherErrors, isVoucherType } from '../vouchers/index.ts';

export interface FormConfig {
  allowed_voucher_types: string[];
  intro_text: string;
  rules_list: string[];
}

export const FORM_LIMITS = { introText: 2000, rules: 20, ruleLength: 300 } as const;

/** Validate against the catalog and normalise (trim, drop empty rules, de-duplicate types). */
export function normalizeFormConfig(input: { allowed_voucher_types: string[]; intro_text?: string; rules_list?: string[] }): FormConfig {
  const types = [...new Set(input.allowed_voucher_types)];
  const unknown = types.filter((t) => !isVoucherType(t));
  if (unknown.length) throw voucherErrors.voucher_type_unknown(`Unknown voucher type${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`);
  return {
    allowed_voucher_types: types,
    intro_text: (input.intro_text ?? '').trim(),
    rules_list: (input.rules_list ?? []).map((r) => r.trim()).filter((r) => r.length > 0),
  };
}

export function parseFormConfig(json: string): FormConfig {
  try {
    const v = JSON.parse(json) as Partial<FormConfig>;
    return {
      allowed_voucher_types: Array.isArray(v.allowed_voucher_types) ? v.allowed_voucher_types.filter((x) => typeof x === 'string') : [],
      intro_text: typeof v.intro_text === 'string' ? v.intro_text : '',
      rules_list: Array.isArray(v.rules_list) ? v.rules_list.filter((x) => typeof x === 'string') : [],
    };
  } catch {
    // A damaged config allows nothing rather than everything.
    return { allowed_voucher_types: [], intro_text: '', rules_list: [] };
  }
}
