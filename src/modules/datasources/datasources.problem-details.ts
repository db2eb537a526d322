/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  theseNotCustomersPartners: { id: 'problem.data_source_scope_unknown.these_not_customers_partners_here', defaultMessage: "These are not customers or partners here: {missing}." },
  noGatewayRouteNamed: { id: 'problem.write_route_unknown.no_gateway_route_named_configured', defaultMessage: "No gateway route is named {route_name}; the configured ones are listed on this page." },
  cannotBringBackPick: { id: 'problem.write_source_unfit.cannot_bring_back_pick_active', defaultMessage: "{name} cannot bring {kind} back: pick an active source of yours that sends {kind}." },
  noSuchDataSource: { id: 'problem.write_source_unfit.no_such_data_source', defaultMessage: "No such data source." },
});
