/** Wire shapes of the SSF transmitter (SSF 1.0 §7, §8.1) and of the portal's "Security events" of an app. */
import { Nullable, Strict, Timestamp, Type } from '../../platform/http/schemas.ts';

const Url = Type.String({ minLength: 8, maxLength: 2000, description: 'the receiver: an https URL that accepts RFC 8935 pushes' });
const AuthHeader = Type.String({ minLength: 1, maxLength: 2000, description: 'the Authorization header value Partnergate presents to the receiver' });
/** Event type URIs: any a receiver asks for (RISC's and CAEP's together are some two dozen); those not sent are ignored. */
const Events = Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 64 });
/** Transmitter-Supplied properties a receiver may send back unchanged (SSF 1.0 §8.1.1.3–4). */
const TransmitterSupplied = {
  iss: Type.Optional(Type.String({ maxLength: 2000 })),
  aud: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10 })])),
  events_supported: Type.Optional(Events),
  events_delivered: Type.Optional(Events),
  min_verification_interval: Type.Optional(Type.Integer({ minimum: 0 })),
};
const StreamId = Type.String({ minLength: 1, maxLength: 64 });

export const TransmitterMetadata = Type.Object({
  spec_version: Type.String(),
  issuer: Type.String(),
  jwks_uri: Type.String(),
  delivery_methods_supported: Type.Array(Type.String()),
  configuration_endpoint: Type.String(),
  status_endpoint: Type.String(),
  verification_endpoint: Type.String(),
  authorization_schemes: Type.Array(Type.Object({ spec_urn: Type.String() })),
  default_subjects: Type.String(),
});

const Delivery = Type.Object(
  { method: Type.String({ maxLength: 100 }), endpoint_url: Url, authorization_header: Type.Optional(AuthHeader) },
  { additionalProperties: false },
);

export const StreamConfig = Type.Object({
  stream_id: Type.String(),
  iss: Type.String(),
  aud: Type.String(),
  delivery: Type.Object({ method: Type.String(), endpoint_url: Type.String() }),
  events_supported: Type.Array(Type.String()),
  events_requested: Type.Array(Type.String()),
  events_delivered: Type.Array(Type.String()),
  description: Type.Optional(Type.String()),
  min_verification_interval: Type.Integer(),
});

export const CreateStreamBody = Type.Object(
  { delivery: Delivery, events_requested: Type.Optional(Events), description: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const UpdateStreamBody = Type.Object(
  { stream_id: StreamId, delivery: Type.Optional(Delivery), events_requested: Type.Optional(Events), description: Type.Optional(Type.String({ maxLength: 500 })), ...TransmitterSupplied },
  { additionalProperties: false },
);
export const StreamQuery = Type.Object({ stream_id: Type.Optional(StreamId) }, { additionalProperties: false });
export const StreamStatus = Type.Object({ stream_id: Type.String(), status: Type.Union([Type.Literal('enabled'), Type.Literal('paused'), Type.Literal('disabled')]), reason: Type.Optional(Type.String()) });
export const UpdateStatusBody = Type.Object(
  { stream_id: StreamId, status: Type.Union([Type.Literal('enabled'), Type.Literal('paused'), Type.Literal('disabled')]), reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const VerifyBody = Type.Object({ stream_id: StreamId, state: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

// ---- the portal ---------------------------------------------------------------------------

export const AppParams = Strict({ partner_id: Type.String({ maxLength: 64 }), app_id: Type.String({ maxLength: 64 }) });

export const EventChoiceDto = Type.Object({ type: Type.String(), label: Type.String() });

export const SecurityDeliveryDto = Type.Object({
  id: Type.String(),
  event: Type.String({ description: 'the event in words' }),
  subject: Type.String({ description: 'who or what it is about, in words' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('rejected')]),
  outcome: Type.String({ description: 'what happened, in words' }),
  attempts: Type.Integer(),
  created_at: Timestamp,
  completed_at: Nullable(Timestamp),
});

export const SecurityEventsDto = Type.Object({
  stream: Nullable(
    Type.Object({
      endpoint_url: Type.String(),
      has_authorization_header: Type.Boolean(),
      events: Type.Array(Type.String()),
      status: Type.Union([Type.Literal('enabled'), Type.Literal('paused'), Type.Literal('disabled')]),
      status_reason: Nullable(Type.String()),
      updated_at: Timestamp,
    }),
  ),
  events_supported: Type.Array(EventChoiceDto),
  deliveries: Type.Array(SecurityDeliveryDto),
  /** where a receiver reads the transmitter's metadata and keys */
  configuration_url: Type.String(),
});

export const SaveSecurityEventsBody = Type.Object(
  {
    endpoint_url: Url,
    authorization_header: Type.Optional(Nullable(AuthHeader)),
    events: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 10 }),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
