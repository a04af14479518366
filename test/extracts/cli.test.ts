import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { runExtractCommand, runKeysCommand, runVerifyCommand } from '../../src/extracts/cli.ts';
import { IssuedDocumentRegistry } from '../../src/extracts/registry.ts';
import { createExtractsCliDeps } from '../../src/main.ts';
import { MemoryStore } from '../../src/store/memory.ts';
import { PostgresRecordStore } from '../../src/store/postgres.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { nssDbTrusting, pdfsig, pdftotext, tempDir } from './support.ts';

const tmp = tempDir();
const keys = { keysDir: join(tmp.dir, 'keys') };
// Signing happens now: the development certificates start being valid an hour before they are made.
const clock = () => new Date();

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

beforeAll(async () => {
  const c = capture();
  expect(await runKeysCommand(['init'], c.io, { keys })).toBe(0);
}, 30_000);
afterAll(() => tmp.cleanup());

describe('hoso keys', () => {
  it('init prints the paths it wrote as JSON and keeps private keys readable by the owner only', () => {
    const files = [
      'dev-ca.crt.pem',
      'dev-ca.key.pem',
      'dev-signer.key.pem',
      'dev-signer.crt.pem',
      'dev-signer.p12',
    ];
    for (const f of files) expect(statSync(join(keys.keysDir, f)).isFile()).toBe(true);
    for (const f of ['dev-ca.key.pem', 'dev-signer.key.pem', 'dev-signer.p12']) {
      expect(statSync(join(keys.keysDir, f)).mode & 0o077).toBe(0);
    }
  });

  it('init refuses to overwrite existing keys without --force', async () => {
    const before = readFileSync(join(keys.keysDir, 'dev-signer.key.pem'), 'utf8');
    const c = capture();
    expect(await runKeysCommand(['init'], c.io, { keys })).toBe(1);
    expect(c.err.join('')).toContain('HOSO_ERR_KEYS_EXIST');
    expect(readFileSync(join(keys.keysDir, 'dev-signer.key.pem'), 'utf8')).toBe(before);
  });

  it('init --force replaces them', async () => {
    const dir = join(tmp.dir, 'forced');
    expect(await runKeysCommand(['init', '--dir', dir], capture().io)).toBe(0);
    const before = readFileSync(join(dir, 'dev-signer.key.pem'), 'utf8');
    const c = capture();
    expect(await runKeysCommand(['init', '--dir', dir, '--force'], c.io)).toBe(0);
    expect(JSON.parse(c.out.join('')).dir).toBe(dir);
    expect(readFileSync(join(dir, 'dev-signer.key.pem'), 'utf8')).not.toBe(before);
  });

  it('public prints the JWK set and PEM to publish', async () => {
    const c = capture();
    expect(await runKeysCommand(['public'], c.io, { keys })).toBe(0);
    const docs = JSON.parse(c.out.join(''));
    expect(docs.jwks.keys[0].kty).toBe('RSA');
    expect(docs.development).toBe(true);
  });
});

describe('hoso extract sample and hoso verify', () => {
  it('renders a Form 2 sample that pdfsig and hoso verify accept, and both reject a tampered copy', async () => {
    const file = join(tmp.dir, 'sample.pdf');
    const c = capture();
    expect(
      await runExtractCommand(['sample', '--service', 'lltp', '--form', '2', '--out', file], c.io, {
        keys,
        clock,
      }),
    ).toBe(0);
    const summary = JSON.parse(c.out.join(''));
    expect(summary).toMatchObject({ out: file, kind: 'lltp', pages: 2, development: true });
    expect(summary.fileName).toMatch(/^phieu-lltp-HS\d+\.pdf$/);
    expect(c.err.join('')).toContain('development key');

    const text = pdftotext(file).replace(/\s+/g, ' ');
    expect(text).toContain('Nguyễn Văn Hùng');
    expect(text).toContain('Đã được xóa án tích ngày 17/03/2016');

    const nss = nssDbTrusting(tmp.dir, [join(keys.keysDir, 'dev-ca.crt.pem')]);
    expect(pdfsig(file, nss)).toContain('Certificate is Trusted.');

    const v = capture();
    expect(await runVerifyCommand([file], v.io, { keys })).toBe(0);
    const result = JSON.parse(v.out.join(''));
    expect(result.valid).toBe(true);
    expect(result.documentId).toBe(summary.documentId);

    const pdf = readFileSync(file);
    pdf[1000] = pdf[1000]! ^ 0x20;
    const tampered = join(tmp.dir, 'tampered.pdf');
    writeFileSync(tampered, pdf);
    expect(pdfsig(tampered, nss)).toMatch(/Digest Mismatch|Signature is Invalid/);
    const t = capture();
    expect(await runVerifyCommand([tampered], t.io, { keys })).toBe(1);
    expect(JSON.parse(t.out.join('')).valid).toBe(false);
  });

  it('renders a health-record sample for one visit', async () => {
    const file = join(tmp.dir, 'health.pdf');
    const c = capture();
    expect(
      await runExtractCommand(
        ['sample', '--service', 'health_record', '--scope', 'visit', '--out', file],
        c.io,
        {
          keys,
          clock,
        },
      ),
    ).toBe(0);
    expect(JSON.parse(c.out.join('')).fileName).toMatch(/^so-suc-khoe-SK\d+\.pdf$/);
    const text = pdftotext(file).replace(/\s+/g, ' ');
    expect(text).toContain('Phạm vi trích xuất: Một lần khám bệnh, chữa bệnh');
  });

  it('creates development keys on first use when none are configured', async () => {
    const fresh = { keysDir: join(tmp.dir, 'fresh-keys') };
    const c = capture();
    const file = join(tmp.dir, 'fresh.pdf');
    expect(
      await runExtractCommand(['sample', '--service', 'lltp', '--out', file], c.io, { keys: fresh, clock }),
    ).toBe(0);
    expect(c.err.join('')).toContain('created development keys');
    expect(statSync(join(fresh.keysDir, 'dev-ca.crt.pem')).isFile()).toBe(true);
  });

  it('verify trusts only the anchors it is given: with --trust naming another CA it says not valid', async () => {
    const file = join(tmp.dir, 'sample.pdf');
    const other = join(tmp.dir, 'forced', 'dev-ca.crt.pem');
    const c = capture();
    expect(
      await runVerifyCommand([file, '--trust', other], c.io, { keys: { ...keys, trustAnchorPaths: [] } }),
    ).toBe(1);
    expect(JSON.parse(c.out.join('')).checks.chain).toBe('fail');
  });

  it('reports usage errors with exit code 2', async () => {
    expect(
      await runExtractCommand(['sample', '--service', 'passport', '--out', 'x.pdf'], capture().io, { keys }),
    ).toBe(2);
    expect(await runExtractCommand(['sample', '--service', 'lltp'], capture().io, { keys })).toBe(2);
    expect(await runVerifyCommand([], capture().io, { keys })).toBe(2);
    expect(await runKeysCommand(['rotate'], capture().io, { keys })).toBe(2);
    expect(await runVerifyCommand(['--bogus'], capture().io, { keys })).toBe(2);
  });

  it('reports a missing file without a stack trace', async () => {
    const c = capture();
    expect(await runVerifyCommand([join(tmp.dir, 'nope.pdf')], c.io, { keys })).toBe(1);
    expect(c.err.join('')).toContain('ENOENT');
  });
});

describe('hoso verify and the issued-document registry', () => {
  async function sample(name: string) {
    const file = join(tmp.dir, `${name}.pdf`);
    const c = capture();
    expect(
      await runExtractCommand(['sample', '--service', 'lltp', '--out', file], c.io, { keys, clock }),
    ).toBe(0);
    return { file, summary: JSON.parse(c.out.join('')) };
  }

  it('consults the server registry when DATABASE_URL is configured: valid, then revoked', async () => {
    const { file, summary } = await sample('registered');
    const database = await createTestDatabase();
    const opened = await openDatabase({ url: database.url, poolSize: 1 });
    const registry = new IssuedDocumentRegistry(
      new PostgresRecordStore(opened.db, { bus: new MemoryStore() }),
    );
    const deps = createExtractsCliDeps(
      loadConfig({ DATABASE_URL: database.url, HOSO_KEYS_DIR: keys.keysDir }),
      { registry: true },
    );
    try {
      const unknown = capture();
      expect(await runVerifyCommand([file], unknown.io, deps)).toBe(1);
      expect(JSON.parse(unknown.out.join(''))).toMatchObject({
        valid: false,
        checks: { registry: 'fail' },
        registry: { status: 'unknown' },
      });

      await registry.record({
        id: summary.documentId,
        service: 'lltp',
        requestCode: 'LLTP-2026-000042',
        fileSha256: summary.fileSha256,
        contentSha256: summary.contentSha256,
        subject: { name: 'N. T. M. Thư' },
        issueDate: '2026-11-25',
        issuedAt: new Date().toISOString(),
        development: true,
      });
      const valid = capture();
      expect(await runVerifyCommand([file], valid.io, deps)).toBe(0);
      expect(JSON.parse(valid.out.join(''))).toMatchObject({
        valid: true,
        checks: { registry: 'pass' },
        registry: { status: 'valid' },
      });
      expect(valid.err.join('')).not.toContain('not consulted');

      await registry.revoke(summary.documentId, { reason: 'Cấp nhầm người', by: 'binh' });
      const revoked = capture();
      expect(await runVerifyCommand([file], revoked.io, deps)).toBe(1);
      const result = JSON.parse(revoked.out.join(''));
      expect(result).toMatchObject({
        valid: false,
        checks: { registry: 'fail' },
        registry: { status: 'revoked', reason: 'Cấp nhầm người' },
      });
      expect(result.reasons.map((r: { code: string }) => r.code)).toContain('revoked');
    } finally {
      await deps.close();
      await opened.close();
      await database.drop();
    }
  });

  it('reports the registry check as skipped without DATABASE_URL', async () => {
    const { file } = await sample('unregistered');
    const deps = createExtractsCliDeps(loadConfig({ HOSO_KEYS_DIR: keys.keysDir }), { registry: true });
    expect(deps.registryLookup).toBeUndefined();
    const c = capture();
    expect(await runVerifyCommand([file], c.io, deps)).toBe(0);
    expect(JSON.parse(c.out.join(''))).toMatchObject({ valid: true, checks: { registry: 'skipped' } });
    expect(c.err.join('')).toContain('registry was not consulted');
  });
});
