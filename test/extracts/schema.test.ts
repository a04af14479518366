import { describe, expect, it } from 'vitest';
import { canonicalJson, contentSha256 } from '../../src/extracts/canonical.ts';
import { parseExtractInput } from '../../src/extracts/renderer.ts';
import { sampleLltp } from '../../src/extracts/samples.ts';
import type { ExtractInputData } from '../../src/extracts/schema.ts';

type Lltp = Extract<ExtractInputData, { kind: 'lltp' }>;

describe('extract input', () => {
  it('normalises every string to NFC and collapses spaces', () => {
    const base = sampleLltp(1) as Lltp;
    const input = parseExtractInput({
      ...base,
      subject: { ...base.subject, fullName: '  Nguye\u0302\u0303n   Thi\u0323 Minh Thu\u031b ' },
    });
    expect(input.subject.fullName).toBe('Nguyễn Thị Minh Thư');
    expect(input.subject.fullName).toBe(input.subject.fullName.normalize('NFC'));
  });

  it('refuses a Form 2 without the parents and spouse, with a typed error naming the field', () => {
    const base = sampleLltp(1) as Lltp;
    expect(() => parseExtractInput({ ...base, form: 2 })).toThrow(
      expect.objectContaining({
        code: 'HOSO_ERR_EXTRACT_INVALID_INPUT',
        message: expect.stringContaining('relatives'),
      }),
    );
  });

  it('refuses an impossible date', () => {
    expect(() => parseExtractInput({ ...(sampleLltp(1) as Lltp), issueDate: '2026-02-30' })).toThrow(
      expect.objectContaining({ code: 'HOSO_ERR_EXTRACT_INVALID_INPUT' }),
    );
  });

  it('refuses text the embedded font cannot draw instead of printing blanks', () => {
    const base = sampleLltp(1) as Lltp;
    expect(() =>
      parseExtractInput({ ...base, subject: { ...base.subject, placeOfBirth: 'Hà Nội 🏠' } }),
    ).toThrow(
      expect.objectContaining({
        code: 'HOSO_ERR_EXTRACT_UNSUPPORTED_CHARACTER',
        message: expect.stringContaining('U+1F3E0'),
      }),
    );
  });
});

describe('content hash', () => {
  it('does not depend on key order or Unicode normalisation of the input', () => {
    const a = parseExtractInput(sampleLltp(2));
    const reordered = Object.fromEntries(Object.entries(sampleLltp(2)).reverse());
    const b = parseExtractInput({ ...reordered, issuePlace: 'Ha\u0300 No\u0302\u0323i' });
    expect(contentSha256(a).equals(contentSha256(b))).toBe(true);
  });

  it('changes when anything printed changes', () => {
    const a = parseExtractInput(sampleLltp(2));
    const b = parseExtractInput({ ...(sampleLltp(2) as Lltp), documentNumber: '2420/LLTP-CAHN' });
    expect(contentSha256(a).equals(contentSha256(b))).toBe(false);
  });

  it('serialises canonically: sorted keys, no whitespace, undefined left out', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'ư'], c: undefined })).toBe('{"a":[true,null,"ư"],"b":1}');
  });
});
