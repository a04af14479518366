import { describe, expect, it } from 'vitest';
import { createTypoCorrector, editDistance, maxEditsFor } from '../../../src/dialogue/nlu/typo.ts';
import { understand } from '../../../src/dialogue/nlu/understand.ts';

describe('editDistance', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('lihc', 'lich')).toBe(1);
    expect(editDistance('cancle', 'cancel')).toBe(1);
  });

  it('counts inserts, deletes and substitutions', () => {
    expect(editDistance('phap', 'phaap')).toBe(1);
    expect(editDistance('phap', 'pha')).toBe(1);
    expect(editDistance('vien', 'vieng')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('stops early past the limit', () => {
    expect(editDistance('abcdef', 'uvwxyz', 1)).toBe(2);
  });
});

describe('createTypoCorrector', () => {
  const corrector = createTypoCorrector(['phieu', 'lich', 'nhan', 'vien', 'english', 'lylichtuphap']);

  it('allows one edit from 4 letters and two from 8', () => {
    expect(maxEditsFor(3)).toBe(0);
    expect(maxEditsFor(4)).toBe(1);
    expect(maxEditsFor(8)).toBe(2);
    expect(corrector.correct('phieeu')).toBe('phieu');
    expect(corrector.correct('lihc')).toBe('lich');
    expect(corrector.correct('englsih')).toBe('english');
    expect(corrector.correct('lilichtuphapp')).toBe('lylichtuphap');
  });

  it('leaves short words and far words alone', () => {
    expect(corrector.correct('lic')).toBeUndefined();
    expect(corrector.correct('lxyz')).toBeUndefined();
    expect(corrector.correct('engxxsh')).toBeUndefined();
  });

  it('refuses to choose between two equally close words', () => {
    expect(createTypoCorrector(['nhan', 'than']).correct('khan')).toBeUndefined();
    expect(createTypoCorrector(['tien', 'tieu']).correct('tiem')).toBeUndefined();
  });

  it('between equally close words, prefers the one with the same first letter', () => {
    // "tnhan" is one edit from both; people rarely mistype the first letter.
    expect(createTypoCorrector(['nhan', 'than']).correct('tnhan')).toBe('than');
  });
});

describe('typo tolerance in understanding', () => {
  it('understands mistyped keywords', () => {
    expect(understand('ly lihc tu phap').intent).toBe('criminal_record');
    expect(understand('gặp nhân vein').intent).toBe('talk_to_staff');
    expect(understand('englsih').intent).toBe('change_language');
  });

  it('does not bend common words towards keywords ("phải" is not "phí")', () => {
    expect(understand('tôi phải đi làm rồi').intent).toBe('unknown');
    expect(understand('nhanh lên').intent).not.toBe('talk_to_staff');
  });

  it('understands Telex keys typed with the input method off', () => {
    expect(understand('lys lichj tuw phaps')).toMatchObject({
      intent: 'criminal_record',
      entities: { service: 'lltp' },
    });
    expect(understand('camr own')).toMatchObject({ intent: 'thanks' });
    expect(understand('xoas dwx lieeuj')).toMatchObject({ intent: 'privacy_delete' });
  });

  it('understands run-together words', () => {
    expect(understand('lylichtuphap').intent).toBe('criminal_record');
    expect(understand('gap nhanvien').intent).toBe('talk_to_staff');
  });
});
