import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../src/extracts/verify.ts';
import { REASON_CHECK, verifyReport } from '../../src/extracts/verify-report.ts';
import { createTranslator, LANGS } from '../../src/i18n.ts';

/** Every reason code verifyPdf can give, read from its source so a new code cannot slip by. */
function reasonCodesInSource(): string[] {
  const source = readFileSync(new URL('../../src/extracts/verify.ts', import.meta.url), 'utf8');
  const codes = new Set<string>();
  for (const m of source.matchAll(/fail\(\s*'([a-z_]+)'/g)) codes.add(m[1] as string);
  for (const m of source.matchAll(/code: '([a-z_]+)'/g)) codes.add(m[1] as string);
  return [...codes].sort();
}

function failedWith(code: string): VerifyResult {
  const check = REASON_CHECK[code] ?? 'signature';
  const checks = {
    byteRange: 'pass',
    digest: 'pass',
    signature: 'pass',
    chain: 'pass',
    registry: 'pass',
  } as const;
  return {
    valid: false,
    checks: { ...checks, [check]: 'fail' },
    signer: null,
    signedAt: null,
    documentId: null,
    contentSha256: null,
    fileSha256: '00',
    registry: { status: 'revoked', reason: 'nhầm', revokedAt: '2026-01-02T03:00:00Z' },
    reasons: [{ code, message: 'english detail for logs' }],
  };
}

describe('verification reasons a citizen reads', () => {
  const translator = createTranslator();
  const codes = reasonCodesInSource();

  it('finds the reason codes the verifier gives', () => {
    expect(codes).toContain('signing_certificate_mismatch');
    expect(codes.length).toBeGreaterThan(15);
  });

  for (const lang of LANGS) {
    it(`explains every reason code in a sentence in ${lang}, never a raw key`, () => {
      const t = translator.t(lang);
      for (const code of codes) {
        expect(REASON_CHECK, code).toHaveProperty(code);
        const check = REASON_CHECK[code] as string;
        const report = verifyReport(failedWith(code), undefined, t, lang);
        const message = report.checks.find((c) => c.id === check)?.message ?? '';
        expect(message, code).not.toMatch(/verify\.|reasons|_/);
        expect(t(`extracts:verify.reasons.${code}`, { defaultValue: '' }), `${lang} ${code}`).not.toBe('');
      }
    });
  }
});
