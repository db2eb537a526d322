/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  alreadyBelongsPartnerPerson: { id: 'problem.already_partner_member.already_belongs_partner_person_belongs', defaultMessage: "{email} already belongs to the partner {partner_name}: a person belongs to one partner organization." },
  personAlreadyMemberPartner: { id: 'problem.already_partner_member.person_already_member_partner_organization', defaultMessage: "This person is already a member of your partner organization." },
  chooseLeastOneThing: { id: 'problem.capabilities_required.choose_least_one_thing_partner', defaultMessage: "Choose at least one thing the partner may do." },
  resellerNeedsLeastOne: { id: 'problem.capabilities_required.reseller_needs_least_one_capability', defaultMessage: "A reseller needs at least one capability its distributor holds (managed services, delegated or wholesale)." },
  configurationChangedSinceOpened: { id: 'problem.config_version_conflict.configuration_changed_since_opened_now', defaultMessage: "This configuration changed since you opened it (now version {config_version}). Reload it and make your change again." },
  userEmailAlreadyExists: { id: 'problem.email_taken.user_email_already_exists_log', defaultMessage: "A user with this email already exists; log in and ask the operator instead." },
  catalogAlreadyHas: { id: 'problem.feature_exists.catalog_already_has', defaultMessage: "The catalog already has {key}." },
  noFeatureCatalog: { id: 'problem.feature_not_found.no_feature_catalog', defaultMessage: "No feature {key} in the catalog." },
  switchedPlatformOperatorNot: { id: 'problem.feature_not_opt_in.switched_platform_operator_not_organization', defaultMessage: "{name} is switched by the platform operator, not by your organization." },
  retired: { id: 'problem.feature_retired.retired', defaultMessage: "{name} is retired." },
  retiredCannotSwitched: { id: 'problem.feature_retired.retired_cannot_switched', defaultMessage: "{k} is retired and cannot be switched on." },
  featureMovesOnlyForward: { id: 'problem.invalid_lifecycle_transition.feature_moves_only_forward_beta', defaultMessage: "{key} is {lifecycle}; a feature moves only forward (beta → general → retired)." },
  namesNoKnownPermission: { id: 'problem.invalid_permission.names_no_known_permission_get', defaultMessage: "\"{name}\" names no known permission (GET /api/v1/permissions lists them)." },
  notFeatureNamePermission: { id: 'problem.invalid_permission.not_feature_name_permission_name', defaultMessage: "\"{name}\" is not a feature name: a permission name or prefix of one (dotted lowercase segments, no wildcard)." },
  fileEmptyNeedsHeader: { id: 'problem.partner_import_invalid.file_empty_needs_header_row', defaultMessage: "The file is empty: it needs a header row and at least one row." },
  fileHasNoColumn: { id: 'problem.partner_import_invalid.file_has_no_column_row', defaultMessage: "The file has no column for {missing}. Its first row must name the columns (download the template to see them)." },
  fileHoldsMostPartners: { id: 'problem.partner_import_invalid.file_holds_most_partners_split', defaultMessage: "A file holds at most {maxImportPartners} partners; split it into several files." },
  fileHoldsNoPartner: { id: 'problem.partner_import_invalid.file_holds_no_partner_needs', defaultMessage: "The file holds no partner: it needs at least one row." },
  checkFileThenApply: { id: 'problem.partner_import_not_confirmed.check_file_then_apply_confirm', defaultMessage: "Check the file first, then apply it with confirm: true." },
  noResellerYoursHas: { id: 'problem.partner_not_found.no_reseller_yours_has_id', defaultMessage: "No reseller of yours has this id." },
  anotherPartnerAlreadyUses: { id: 'problem.partner_slug_taken.another_partner_already_uses_slug', defaultMessage: "Another partner already uses this slug." },
  operatorChangesPartnersFeatures: { id: 'problem.permission_denied.operator_changes_partners_features_configuration', defaultMessage: "The operator changes a partner's features in its configuration." },
  dailyQuotaCannotLarger: { id: 'problem.quota_inconsistent.daily_quota_cannot_larger_than', defaultMessage: "The daily quota cannot be larger than the monthly quota." },
  partnerCannotResellUnder: { id: 'problem.reseller_depth_exceeded.partner_cannot_resell_under_itself', defaultMessage: "A partner cannot resell under itself." },
  partnerHasResellersOwn: { id: 'problem.reseller_depth_exceeded.partner_has_resellers_own_so', defaultMessage: "This partner has resellers of its own, so it cannot resell under another: partners are two tiers at most." },
  resellerCannotHaveResellers: { id: 'problem.reseller_depth_exceeded.reseller_cannot_have_resellers_own', defaultMessage: "A reseller cannot have resellers of its own: partners are two tiers at most (a distributor over its resellers)." },
  idleTimeoutCannotLonger: { id: 'problem.session_policy_looser.idle_timeout_cannot_longer_than', defaultMessage: "The idle timeout cannot be longer than the absolute timeout." },
  noPartnerCopyConfiguration: { id: 'problem.template_partner_not_found.no_partner_copy_configuration_from', defaultMessage: "No partner “{ref}” to copy the configuration from." },
  thereNoFeatureFeature: { id: 'problem.unknown_feature.there_no_feature_feature_catalog', defaultMessage: "There is no feature {k} in the feature catalog." },
  periodMustRunForwards: { id: 'problem.validation_failed.period_must_run_forwards_span', defaultMessage: "The period must run forwards and span at most a year." },
});
