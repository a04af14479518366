/** Schema validation of a service's files, with every zod issue turned into a finding that names file, item and path. */
import type { z } from 'zod';
import { ISO_DATE_RE } from './dates.ts';
import type { Finding } from './lint-types.ts';
import {
  type ExplainFile,
  ExplainFileSchema,
  type Rule,
  RuleSchema,
  RulesFileSchema,
  type Scenario,
  ScenarioSchema,
  ScenariosFileSchema,
  type ServiceFile,
  ServiceFileSchema,
} from './schema.ts';
import type { ServiceSource, SourceFile } from './source.ts';

export interface LocatedRule {
  rule: Rule;
  file: string;
  /** Location inside the file: `$.rules[3]`. */
  at: string;
}

export interface LocatedScenario {
  scenario: Scenario;
  file: string;
  at: string;
}

export interface ParsedService {
  id: string;
  serviceFile: string;
  service: ServiceFile;
  /** In catalog order: files sorted by name, rules in file order. */
  rules: LocatedRule[];
  scenarios: LocatedScenario[];
  /**
   * Some file of the service failed its schema (its valid rules and scenarios are still here): checks that
   * need every rule, such as "message used by no rule", would then report what is not true.
   */
  incomplete: boolean;
}

type Issue = z.core.$ZodIssue;

export function pathText(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

/** Unions report one issue per branch; keep the branch that got furthest, with full paths. */
function flatten(issue: Issue, prefix: readonly PropertyKey[] = []): Issue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branches = issue.errors.map((branch) => branch.flatMap((i) => flatten(i, path)));
    const depth = (list: Issue[]) => Math.max(...list.map((i) => i.path.length));
    const best = branches.reduce((a, b) =>
      depth(b) > depth(a) || (depth(b) === depth(a) && b.length < a.length) ? b : a,
    );
    if (best.length > 0 && depth(best) > path.length) return best;
  }
  return [{ ...issue, path } as Issue];
}

function itemId(content: unknown, path: readonly PropertyKey[]): string | null {
  const [list, index] = path;
  if (typeof list !== 'string' || typeof index !== 'number') return null;
  const arr = (content as Record<string, unknown>)?.[list];
  const item = Array.isArray(arr) ? (arr[index] as Record<string, unknown> | undefined) : undefined;
  const id = item?.id ?? item?.name;
  return typeof id === 'string' ? id : null;
}

function issueFinding(file: SourceFile, issue: Issue): Finding {
  const last = issue.path[issue.path.length - 1];
  let code = 'schema';
  let message = issue.message;
  if (
    (issue.code === 'custom' &&
      (issue.params as { finding?: string } | undefined)?.finding === 'malformed_date') ||
    (issue.code === 'invalid_format' && 'pattern' in issue && String(issue.pattern) === String(ISO_DATE_RE))
  ) {
    code = 'malformed_date';
    message = 'malformed date: expected a calendar date YYYY-MM-DD';
  } else if (issue.code === 'invalid_union' && last === 'type' && issue.path.includes('event')) {
    code = 'unknown_event';
    message = `event type outside the vocabulary; expected one of ${((issue as { options?: unknown[] }).options ?? []).join(', ')}`;
  } else if (issue.code === 'unrecognized_keys') {
    message = `unknown key(s): ${issue.keys.join(', ')}`;
  }
  return {
    severity: 'error',
    file: file.path,
    rule: itemId(file.content, issue.path),
    path: pathText(issue.path),
    code,
    message,
  };
}

export function schemaFindings(file: SourceFile, error: z.ZodError): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  // A malformed date fails both its pattern and its calendar check: report it once.
  for (const f of error.issues.flatMap((i) => flatten(i)).map((i) => issueFinding(file, i))) {
    const key = `${f.path}|${f.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

function kindOf(path: string): 'service' | 'rules' | 'scenarios' | 'other' {
  if (/(^|\/)service\.json$/.test(path)) return 'service';
  if (/(^|\/)rules\/[^/]+\.json$/.test(path)) return 'rules';
  if (/(^|\/)scenarios\/[^/]+\.json$/.test(path)) return 'scenarios';
  return 'other';
}

/**
 * The items of a list file that pass their own schema when the file as a whole does not: one broken rule
 * must not hide what the linter would say about its siblings.
 */
function validItems<T>(content: unknown, list: string, schema: z.ZodType<T>): { item: T; index: number }[] {
  const arr = (content as Record<string, unknown> | null)?.[list];
  if (!Array.isArray(arr)) return [];
  const out: { item: T; index: number }[] = [];
  for (const [index, raw] of arr.entries()) {
    const r = schema.safeParse(raw);
    if (r.success) out.push({ item: r.data, index });
  }
  return out;
}

export function parseService(
  source: ServiceSource,
  options: { incomplete?: boolean } = {},
): {
  parsed: ParsedService | undefined;
  findings: Finding[];
} {
  const findings: Finding[] = [];
  let service: ServiceFile | undefined;
  let serviceFile = `${source.id}/service.json`;
  const rules: LocatedRule[] = [];
  const scenarios: LocatedScenario[] = [];
  let incomplete = options.incomplete ?? false;
  const files = [...source.files].sort((a, b) => a.path.localeCompare(b.path));
  for (const file of files) {
    const kind = kindOf(file.path);
    if (kind === 'service') {
      serviceFile = file.path;
      const r = ServiceFileSchema.safeParse(file.content);
      if (r.success) service = r.data;
      else findings.push(...schemaFindings(file, r.error));
    } else if (kind === 'rules') {
      const r = RulesFileSchema.safeParse(file.content);
      if (r.success) {
        for (const [i, rule] of r.data.rules.entries())
          rules.push({ rule, file: file.path, at: `$.rules[${i}]` });
      } else {
        incomplete = true;
        findings.push(...schemaFindings(file, r.error));
        for (const { item, index } of validItems(file.content, 'rules', RuleSchema))
          rules.push({ rule: item, file: file.path, at: `$.rules[${index}]` });
      }
    } else if (kind === 'scenarios') {
      const r = ScenariosFileSchema.safeParse(file.content);
      if (r.success) {
        for (const [i, scenario] of r.data.scenarios.entries()) {
          scenarios.push({ scenario, file: file.path, at: `$.scenarios[${i}]` });
        }
      } else {
        incomplete = true;
        findings.push(...schemaFindings(file, r.error));
        for (const { item, index } of validItems(file.content, 'scenarios', ScenarioSchema))
          scenarios.push({ scenario: item, file: file.path, at: `$.scenarios[${index}]` });
      }
    }
  }
  if (!files.some((f) => kindOf(f.path) === 'service')) {
    findings.push({
      severity: 'error',
      file: serviceFile,
      rule: null,
      path: '$',
      code: 'missing_file',
      message: `service ${source.id} has no service.json`,
    });
  }
  if (service && service.id !== source.id) {
    findings.push({
      severity: 'error',
      file: serviceFile,
      rule: null,
      path: '$.id',
      code: 'service_id_mismatch',
      message: `service id "${service.id}" differs from its folder "${source.id}"`,
    });
  }
  return {
    parsed: service ? { id: source.id, serviceFile, service, rules, scenarios, incomplete } : undefined,
    findings,
  };
}

export function parseExplain(file: SourceFile): { explain: ExplainFile | undefined; findings: Finding[] } {
  const r = ExplainFileSchema.safeParse(file.content);
  return r.success
    ? { explain: r.data, findings: [] }
    : { explain: undefined, findings: schemaFindings(file, r.error) };
}
