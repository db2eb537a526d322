/** Wire shapes of the partner's home: what each kind of partner sees first. */
import { Type, Nullable, Strict, Id, Timestamp } from '../../platform/http/schemas.ts';

const Count = Type.Integer({ minimum: 0 });
const Day = Type.String({ format: 'date', description: 'a UTC day' });

export const PartnerHomeParams = Strict({ partner_id: Id('ptr') });

const ConnectedCustomer = Type.Object({
  tenant_name: Type.String(),
  app_name: Type.String({ description: 'the app the customer connected' }),
  status: Type.String({ description: 'active, expired, revoked, rejected or requested' }),
  /** null: every account of the customer */
  billing_accounts: Nullable(Type.Array(Type.String({ description: 'an account number the access covers' }))),
  ends_at: Timestamp,
  last_used_at: Nullable(Timestamp),
});

const Requests = Type.Object({ name: Type.String(), requests: Count });

const Delegated = Type.Object(
  {
    customers: Type.Array(ConnectedCustomer, { description: 'customers connected to your apps, active ones first' }),
    usage: Type.Object(
      {
        days: Type.Array(Type.Object({ day: Day, requests: Count }), { description: 'every day of the period, oldest first' }),
        by_app: Type.Array(Requests),
        by_customer: Type.Array(Requests),
        total: Count,
      },
      { description: 'admitted gateway requests of your apps for customers over the last 30 days' },
    ),
  },
  { description: 'a delegated partner: the customers connected to its apps and their use' },
);

const Invoice = Type.Object({
  number: Type.String(),
  period: Type.String(),
  due_at: Timestamp,
  total_cents: Type.Integer(),
  balance_cents: Type.Integer(),
  currency: Type.String(),
  status: Type.String(),
});

const Wholesale = Type.Object(
  {
    /** what you are billed; null when your role does not read billing */
    billing: Nullable(
      Type.Object({
        accounts: Type.Array(Type.Object({ number: Type.String(), name: Type.String(), currency: Type.String() }), { description: 'the accounts you are billed on' }),
        invoices: Type.Array(Invoice, { description: 'your latest invoices, newest first' }),
        outstanding: Type.Array(Type.Object({ currency: Type.String(), outstanding_cents: Type.Integer(), overdue_cents: Type.Integer() })),
      }),
    ),
    customers: Type.Object({
      total: Count,
      subscriptions: Type.Object({ none: Count, signing: Count, signed: Count, active: Count, suspended: Count }),
      kyc_waiting: Type.Array(Type.Object({ tenant_name: Type.String(), submitted_at: Timestamp }), { description: 'identity checks waiting for your review' }),
      suspended: Type.Array(Type.Object({ tenant_name: Type.String(), plan_name: Nullable(Type.String()) })),
    }),
  },
  { description: 'a wholesaler: its own billing and its customers' },
);

export const PartnerHomeDto = Type.Object(
  {
    generated_at: Timestamp,
    partner: Type.Object({ name: Type.String(), capabilities: Type.Array(Type.String()) }),
    delegated: Nullable(Delegated),
    wholesale: Nullable(Wholesale),
  },
  { title: 'PartnerHome' },
);
