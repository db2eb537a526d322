/** The single sign-on form's draft: what the person edits, turned into the API's input on save. */
export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
export interface Draft {
  kind: 'oidc' | 'saml';
  name: string;
  enabled: boolean;
  issuer: string;
  clientId: string;
  authMethod: AuthMethod;
  clientSecret: string;
  metadataXml: string;
  metadataUrl: string;
  /** SAML: accept sign-in started at the identity provider */
  allowIdpInitiated: boolean;
  claimEmail: string;
  claimName: string;
  claimGroups: string;
  defaultRole: string;
  mappings: { group: string; role: string }[];
  trustMfa: boolean;
  requireSso: boolean;
  breakGlass: string | null;
}

export type SetDraft = <K extends keyof Draft>(k: K, v: Draft[K]) => void;
