import { Type, Strict, Id, Nullable, PageQuery } from '../../platform/http/schemas.ts';

export const DomainStatus = Type.Union([Type.Literal('pending'), Type.Literal('verified'), Type.Literal('failed')], {
  description: 'pending: waiting for the DNS record to be published and checked; verified: the record was found; failed: the last check did not find it (see last_check_result)',
});

export const DomainRecord = Type.Object(
  {
    type: Type.Literal('TXT'),
    name: Type.String({ description: 'where to publish the record: _partnergate.<domain>' }),
    value: Type.String({ description: 'the value to publish: partnergate-verification=<token>' }),
  },
  { title: 'DomainTxtRecord' },
);

const DomainFields = {
  id: Type.String(),
  domain: Type.String({ description: 'lower-case; an internationalized name in its IDNA (xn--) form' }),
  status: DomainStatus,
  record: DomainRecord,
  verified_at: Nullable(Type.String()),
  last_checked_at: Nullable(Type.String()),
  last_check_result: Nullable(Type.String({ description: "the last check's outcome in words" })),
  taken_elsewhere: Type.Boolean({ description: 'another organization has verified this domain: a check answers domain_taken until it gives the domain up' }),
  created_at: Type.String(),
};

export const DomainDto = Type.Object(DomainFields, { title: 'OrganizationDomain' });

export const OperatorDomainDto = Type.Object(
  {
    ...DomainFields,
    owner: Type.Object(
      { type: Type.Union([Type.Literal('partner'), Type.Literal('tenant')]), id: Type.String(), name: Type.String() },
      { title: 'DomainOwner', description: 'the organization that claimed the domain' },
    ),
  },
  { title: 'OperatorOrganizationDomain' },
);

export const DomainList = Type.Object({ data: Type.Array(DomainDto) }, { title: 'OrganizationDomainList' });
export const OperatorDomainPage = Type.Object({ data: Type.Array(OperatorDomainDto), next_cursor: Nullable(Type.String()) }, { title: 'OperatorOrganizationDomainPage' });

export const AddDomainBody = Strict({
  domain: Type.String({ minLength: 1, maxLength: 300, description: 'the e-mail domain to prove, such as example.com (any case; internationalized names allowed)' }),
});

export const PartnerParams = Strict({ partner_id: Id('ptr') });
export const PartnerDomainParams = Strict({ partner_id: Id('ptr'), domain_id: Id('dom') });
export const TenantParams = Strict({ tenant_id: Id('tnt') });
export const TenantDomainParams = Strict({ tenant_id: Id('tnt'), domain_id: Id('dom') });
export const DomainParams = Strict({ domain_id: Id('dom') });
export const OperatorQuery = Strict({ ...PageQuery, domain: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'only the claims of this domain' })) });
