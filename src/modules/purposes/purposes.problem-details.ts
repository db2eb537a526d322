/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  answersDpvPurposeAlready: { id: 'problem.purpose_exists.answers_dpv_purpose_already', defaultMessage: "{name} answers to the DPV purpose {dpv} already." },
  catalogHasPurposeAlready: { id: 'problem.purpose_exists.catalog_has_purpose_already', defaultMessage: "The catalog has a purpose {id} already." },
  notActivePurposeCatalog: { id: 'problem.purpose_invalid.not_active_purpose_catalog', defaultMessage: "Not an active purpose of the catalog: {bad}." },
  catalogHasNoPurpose: { id: 'problem.purpose_not_found.catalog_has_no_purpose', defaultMessage: "The catalog has no purpose {id}." },
  gatewayRoutesStillRequire: { id: 'problem.purpose_retired.gateway_routes_still_require_change', defaultMessage: "Gateway routes still require {name}: {requiredBy}. Change them first." },
  retiredAlready: { id: 'problem.purpose_retired.retired_already', defaultMessage: "{name} is retired already." },
  gatewayHasNoRoute: { id: 'problem.gateway_route_not_found.gateway_has_no_route', defaultMessage: "The gateway has no route {route}." },
});
