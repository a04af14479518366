import type { Finding } from './lint-types.ts';

/**
 * Every code the rules can answer with, from the engine, the publish gate, the admin API, the console and the
 * CLI; each has its sentence `errors.<code>` in locales/vi and locales/en (a test walks this list).
 */
export const RULES_ERROR_CODES = [
  'HOSO_ERR_RULES_CATALOG_INVALID',
  'HOSO_ERR_RULES_UNKNOWN_SERVICE',
  'HOSO_ERR_RULES_FACT_INVALID',
  'HOSO_ERR_RULES_DATE_OUT_OF_RANGE',
  'HOSO_ERR_RULES_UNKNOWN_INPUT',
  'HOSO_ERR_RULES_ANSWER_INVALID',
  'HOSO_ERR_RULES_ENGINE_MISMATCH',
  'HOSO_ERR_RULES_FEE_NEGATIVE',
  'HOSO_ERR_RULES_UNKNOWN_VERSION',
  'HOSO_ERR_RULES_VERSION_EXISTS',
  'HOSO_ERR_RULES_DRAFT_INVALID',
  'HOSO_ERR_RULES_PUBLISH_REFUSED',
  'HOSO_ERR_RULES_ALREADY_IN_FORCE',
  'HOSO_ERR_RULES_NOTHING_TO_ROLL_BACK',
  'HOSO_ERR_RULES_BUSY',
  'HOSO_ERR_RULES_WAIVER_FORBIDDEN',
  'HOSO_ERR_RULES_NOT_PROPOSED',
  'HOSO_ERR_RULES_FOUR_EYES',
  'HOSO_ERR_RULES_UNAUTHORIZED',
  'HOSO_ERR_RULES_FORBIDDEN',
  'HOSO_ERR_RULES_CSRF',
  'HOSO_ERR_RULES_LOGIN_FAILED',
  'HOSO_ERR_RULES_LOGIN_RATE_LIMITED',
] as const;
export type RulesErrorCode = (typeof RULES_ERROR_CODES)[number];

/** An error a caller (citizen, agency, integrator) can meet, with a stable code and a locale key for its message. */
export class RulesError extends Error {
  readonly code: RulesErrorCode;
  readonly messageKey: string;
  constructor(code: RulesErrorCode, message: string) {
    super(message);
    this.name = 'RulesError';
    this.code = code;
    this.messageKey = `errors.${code}`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message };
  }
}

/** A catalog (or one service's rule set) with at least one error finding; it is never loaded. */
export class CatalogError extends RulesError {
  readonly findings: readonly Finding[];
  constructor(findings: readonly Finding[]) {
    const errors = findings.filter((f) => f.severity === 'error');
    const list = errors
      .map((f) => `  ${f.file} ${f.rule ?? ''} ${f.path}: [${f.code}] ${f.message}`)
      .join('\n');
    super('HOSO_ERR_RULES_CATALOG_INVALID', `Rule catalog has ${errors.length} error(s):\n${list}`);
    this.name = 'CatalogError';
    this.findings = findings;
  }

  override toJSON(): Record<string, unknown> {
    return { code: this.code, message: `Rule catalog has errors`, findings: this.findings };
  }
}

/** Facts of the wrong type, unknown facts, or a missing required fact; names the fact. */
export class FactError extends RulesError {
  readonly fact: string;
  constructor(fact: string, message: string) {
    super('HOSO_ERR_RULES_FACT_INVALID', message);
    this.name = 'FactError';
    this.fact = fact;
  }

  override toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, fact: this.fact };
  }
}

/** A draft that may not go into force: lint errors or failing scenarios, every one listed. */
export class PublishRefusedError extends RulesError {
  readonly findings: readonly Finding[];
  readonly failures: readonly { id: string; failures: string[] }[];
  constructor(
    message: string,
    findings: readonly Finding[],
    failures: readonly { id: string; failures: string[] }[],
  ) {
    super('HOSO_ERR_RULES_PUBLISH_REFUSED', message);
    this.name = 'PublishRefusedError';
    this.findings = findings;
    this.failures = failures;
  }

  override toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, findings: this.findings, failures: this.failures };
  }
}

/** An upload that cannot even be identified as a version (no readable service.json, wrong id or version). */
export class DraftInvalidError extends RulesError {
  readonly findings: readonly Finding[];
  constructor(message: string, findings: readonly Finding[]) {
    super('HOSO_ERR_RULES_DRAFT_INVALID', message);
    this.name = 'DraftInvalidError';
    this.findings = findings;
  }

  override toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, findings: this.findings };
  }
}
