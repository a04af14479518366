import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogJsonSchemaText } from '../../src/rules/json-schema.ts';
import { REPO_RULES } from './fixtures.ts';

describe('rules/schema.json', () => {
  it('is exactly what the zod schema generates (run `hoso rules schema --write` after changing it)', () => {
    expect(readFileSync(join(REPO_RULES, 'schema.json'), 'utf8')).toBe(catalogJsonSchemaText());
  });

  it('describes every kind of catalog file with the event vocabulary and the effective window', () => {
    const schema = JSON.parse(catalogJsonSchemaText());
    expect(Object.keys(schema.$defs)).toEqual(
      expect.arrayContaining([
        'ServiceFile',
        'RulesFile',
        'ScenariosFile',
        'ExplainFile',
        'Rule',
        'Event',
        'Input',
        'Fact',
      ]),
    );
    const events = schema.$defs.Event.oneOf.map(
      (e: { properties: { type: { const: string } } }) => e.properties.type.const,
    );
    expect(events).toEqual(['deny', 'require', 'fee', 'processing', 'authority', 'notice']);
    expect(schema.$defs.Rule.required).toEqual(
      expect.arrayContaining(['id', 'effective', 'basis', 'conditions', 'event']),
    );
  });

  it('is referenced by every catalog file so editors check them', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.json') && e.name !== 'schema.json') files.push(join(dir, e.name));
      }
    };
    walk(REPO_RULES);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(JSON.parse(readFileSync(f, 'utf8')).$schema, f).toMatch(/schema\.json$/);
  });
});
