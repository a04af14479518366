import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { newDocumentId } from './document-id.ts';
import { ExtractError } from './errors.ts';
import { publicKeyDocuments } from './offline.ts';
import { ExtractRenderer } from './renderer.ts';
import { sampleHealthRecord, sampleLltp } from './samples.ts';
import { HEALTH_SCOPES } from './schema.ts';
import { createDevKeys } from './signing/dev-keys.ts';
import {
  DEFAULT_KEYS_DIR,
  type KeySettings,
  resolveSigningIdentity,
  resolveTrustAnchors,
} from './signing/load.ts';
import { vietnamIsoDate } from './text.ts';
import { type RegistryLookup, verifyPdf } from './verify.ts';

/**
 * `hoso keys`, `hoso verify` and `hoso extract`. JSON goes to stdout alone, messages to stderr.
 * Exit codes: 0 success (for verify: valid), 1 failure (for verify: not valid), 2 usage error.
 */

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** What the composition root injects from the configuration (main.ts: createExtractsCliDeps). */
export interface ExtractsCliDeps {
  /** Default: development keys in .data/keys, no PKCS#12, the development CA as trust anchor. */
  keys?: KeySettings;
  /** The issued-document registry (the server's store); without it `verify` skips the registry check. */
  registryLookup?: RegistryLookup;
  /** Base URL printed in QR links (PUBLIC_URL). */
  publicUrl?: string;
  /** VERIFY_LINK_SECRET as bytes. */
  linkKey?: Buffer;
  clock?: () => Date;
}

const json = (io: CliIo, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);

export async function runKeysCommand(args: string[], io: CliIo, deps: ExtractsCliDeps = {}): Promise<number> {
  return guard(io, async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { dir: { type: 'string' }, force: { type: 'boolean', default: false } },
    });
    const settings = deps.keys ?? { keysDir: DEFAULT_KEYS_DIR };
    const dir = values.dir ?? settings.keysDir;
    const sub = positionals[0];
    if (sub === 'init') {
      const paths = await createDevKeys(dir, { force: values.force });
      io.stderr(
        `Development CA and signer written to ${dir}. Extracts they sign are marked as test copies.\n`,
      );
      json(io, paths);
      return 0;
    }
    if (sub === 'public') {
      const identity = await resolveSigningIdentity({ ...settings, keysDir: dir });
      const docs = publicKeyDocuments(identity);
      json(io, {
        ...docs,
        development: identity.isDevelopment,
        subject: identity.certificate.subject.replaceAll('\n', ', '),
      });
      return 0;
    }
    io.stderr('usage: hoso keys init [--dir DIR] [--force] | hoso keys public [--dir DIR]\n');
    return 2;
  });
}

export async function runVerifyCommand(
  args: string[],
  io: CliIo,
  deps: ExtractsCliDeps = {},
): Promise<number> {
  return guard(io, async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { trust: { type: 'string', multiple: true }, dir: { type: 'string' } },
    });
    const file = positionals[0];
    if (!file || positionals.length > 1) {
      io.stderr('usage: hoso verify FILE.pdf [--trust CA.pem]...\n');
      return 2;
    }
    const settings = deps.keys ?? { keysDir: DEFAULT_KEYS_DIR };
    const anchors = await resolveTrustAnchors(
      values.dir ? { ...settings, keysDir: values.dir } : settings,
      values.trust ?? [],
    );
    if (anchors.length === 0)
      io.stderr('warning: no trust anchors configured; no certificate can be trusted\n');
    const result = await verifyPdf(await readFile(file), {
      trustAnchors: anchors,
      ...(deps.registryLookup ? { registryLookup: deps.registryLookup } : {}),
    });
    if (!deps.registryLookup) {
      io.stderr(
        'note: the issued-document registry was not consulted (set DATABASE_URL to the records database of the server)\n',
      );
    }
    json(io, result);
    return result.valid ? 0 : 1;
  });
}

export async function runExtractCommand(
  args: string[],
  io: CliIo,
  deps: ExtractsCliDeps = {},
): Promise<number> {
  return guard(io, async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        service: { type: 'string' },
        form: { type: 'string', default: '1' },
        scope: { type: 'string', default: 'all' },
        out: { type: 'string' },
      },
    });
    const usage =
      'usage: hoso extract sample --service lltp|health_record [--form 1|2] ' +
      '[--scope summary|vaccinations|visit|all] --out FILE\n';
    const form = Number(values.form);
    const scope = values.scope as (typeof HEALTH_SCOPES)[number];
    if (
      positionals[0] !== 'sample' ||
      !values.out ||
      (values.service !== 'lltp' && values.service !== 'health_record') ||
      (form !== 1 && form !== 2) ||
      !HEALTH_SCOPES.includes(scope)
    ) {
      io.stderr(usage);
      return 2;
    }
    const settings = deps.keys ?? { keysDir: DEFAULT_KEYS_DIR };
    const identity = await resolveSigningIdentity(settings, {
      createIfMissing: true,
      onCreate: (dir) => io.stderr(`No signing key configured: created development keys in ${dir}.\n`),
    });
    const clock = deps.clock ?? (() => new Date());
    const renderer = new ExtractRenderer({
      identity,
      publicUrl: deps.publicUrl ?? 'http://127.0.0.1:3000',
      ...(deps.linkKey ? { linkKey: deps.linkKey } : {}),
      clock,
    });
    const issueDate = vietnamIsoDate(clock());
    const data =
      values.service === 'lltp'
        ? sampleLltp(form as 1 | 2, { issueDate, documentId: newDocumentId('lltp', issueDate) })
        : sampleHealthRecord(
            {
              scope,
              groups: ['administrative', 'history', 'visits', 'summary'],
              ...(scope === 'visit' ? { visitId: 'V2026-0301' } : {}),
            },
            { issueDate, documentId: newDocumentId('health_record', issueDate) },
          );
    const out = await renderer.render(data);
    await writeFile(values.out, out.pdf);
    if (out.development) io.stderr('Signed with the development key: every page says it is a test copy.\n');
    json(io, {
      out: values.out,
      kind: out.kind,
      documentId: out.documentId,
      fileName: out.fileName,
      pages: out.pages,
      bytes: out.pdf.length,
      fileSha256: out.fileSha256,
      contentSha256: out.contentSha256,
      verifyUrl: out.verifyUrl,
      development: out.development,
    });
    return 0;
  });
}

async function guard(io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ExtractError) {
      io.stderr(`${err.code}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
