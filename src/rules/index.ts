/**
 * The rules module's public surface: load a checked catalog, decide, explain, lint, and the `hoso rules`
 * command. Everything else in src/rules is internal.
 */

export { RULES_ADMIN_PREFIX, rulesAdminRoutes } from './admin-routes.ts';
export { type ApiKey, ApiKeyring, parseApiKeys } from './api-keys.ts';
export {
  type AnswerResult,
  Catalog,
  catalogFromSource,
  type LoadedService,
  loadCatalog,
  loadServiceSource,
} from './catalog.ts';
export { type CommandIo, runRulesCommand } from './cli.ts';
export type { CompiledService, RuleSetRef } from './compile.ts';
export { type Decision, DecisionSchema, type TraceEntry } from './decision.ts';
export { CatalogError, FactError, RulesError, type RulesErrorCode } from './errors.ts';
export { decideSync, type EvaluateOptions, evaluate } from './evaluate.ts';
export { explain, formatDong } from './explain.ts';
export { type ImpactOptions, type ImpactReport, impactReport } from './impact.ts';
export { hasErrors, lintCatalog } from './lint.ts';
export type { Finding, Severity } from './lint-types.ts';
export { RulesAdmin, type VersionSummary } from './publish.ts';
export { RuleRegistry } from './registry.ts';
export { runScenarios, type ScenarioResult } from './scenarios.ts';
export type { Input, Lang, LocalizedText } from './schema.ts';
export { type CatalogSource, readCatalogDir, readServiceDir, type ServiceSource } from './source.ts';
export { type Actor, type AuditEntry, RuleVersionStore, type VersionDoc } from './versions.ts';
