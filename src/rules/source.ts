/**
 * Reading a catalog from disk into plain data. A service is a folder `rules/<id>/` holding `service.json`,
 * `rules/*.json` and `scenarios/*.json`; `rules/explain.json` frames citizen explanations.
 * The same plain shape (`ServiceSource`) is what a rule-set version stores, so it never depends on files.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding } from './lint-types.ts';

export interface SourceFile {
  /** Relative to the catalog root, with forward slashes: `lltp/rules/fees.json`. */
  path: string;
  content: unknown;
}

export interface ServiceSource {
  id: string;
  files: SourceFile[];
}

export interface CatalogSource {
  root: string;
  services: ServiceSource[];
  explain: SourceFile | undefined;
  /** Files that could not be read or parsed as JSON. */
  findings: Finding[];
}

async function listJson(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

async function readJson(abs: string, rel: string, findings: Finding[]): Promise<SourceFile | undefined> {
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    findings.push({
      severity: 'error',
      file: rel,
      rule: null,
      path: '$',
      code: 'unreadable_file',
      message: (err as Error).message,
    });
    return undefined;
  }
  try {
    return { path: rel, content: JSON.parse(text) };
  } catch (err) {
    findings.push({
      severity: 'error',
      file: rel,
      rule: null,
      path: '$',
      code: 'invalid_json',
      message: (err as Error).message,
    });
    return undefined;
  }
}

/** Reads one service folder; `id` is the folder name. */
export async function readServiceDir(
  dir: string,
  id: string,
  findings: Finding[],
  prefix = `${id}/`,
): Promise<ServiceSource> {
  const files: SourceFile[] = [];
  const service = await readJson(join(dir, 'service.json'), `${prefix}service.json`, findings);
  if (service) files.push(service);
  for (const sub of ['rules', 'scenarios']) {
    for (const name of await listJson(join(dir, sub))) {
      const f = await readJson(join(dir, sub, name), `${prefix}${sub}/${name}`, findings);
      if (f) files.push(f);
    }
  }
  return { id, files };
}

export async function readCatalogDir(root: string): Promise<CatalogSource> {
  const findings: Finding[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    findings.push({
      severity: 'error',
      file: '.',
      rule: null,
      path: '$',
      code: 'unreadable_catalog',
      message: (err as Error).message,
    });
    return { root, services: [], explain: undefined, findings };
  }
  const services: ServiceSource[] = [];
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const names = await readdir(join(root, e.name));
    if (!names.includes('service.json')) continue;
    services.push(await readServiceDir(join(root, e.name), e.name, findings));
  }
  const explain = (await listJson(root)).includes('explain.json')
    ? await readJson(join(root, 'explain.json'), 'explain.json', findings)
    : undefined;
  return { root, services, explain, findings };
}
