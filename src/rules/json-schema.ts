import { z } from 'zod';
import { CatalogFileSchema } from './schema.ts';

/** The JSON Schema editors use for catalog files, generated from the zod schema (never edited by hand). */
export function catalogJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(CatalogFileSchema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    io: 'input',
  });
  return { ...schema, $id: 'https://hoso.invalid/rules/schema.json' };
}

export function catalogJsonSchemaText(): string {
  return JSON.stringify(catalogJsonSchema(), null, 2) + '\n';
}
