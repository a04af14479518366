import { describe, expect, it } from 'vitest';
import { answerFromText, optionsOf } from '../../../src/requests/flow/ask.ts';
import type { Input } from '../../../src/rules/schema.ts';

const L = (vi: string, en: string) => ({ vi, en });
const now = new Date('2026-12-03T03:00:00Z');
const relation: Input = {
  id: 'relation',
  type: 'choice',
  fills: 'subject.relation',
  prompt: L('Anh/chị làm phiếu cho ai?', 'Who for?'),
  options: [
    { value: 'self', label: L('Cho bản thân', 'Myself') },
    { value: 'child', label: L('Cho con', 'My child') },
    { value: 'parent', label: L('Cho cha hoặc mẹ', 'My father or mother') },
  ],
};
const copies: Input = {
  id: 'copies',
  type: 'integer',
  fills: 'request.copies',
  min: 1,
  max: 10,
  prompt: L('Số bản?', 'Copies?'),
};
const yes: Input = {
  id: 'abroad',
  type: 'yesno',
  fills: 'subject.livedAbroad',
  prompt: L('Ở nước ngoài?', 'Abroad?'),
};
const dob: Input = {
  id: 'dob',
  type: 'date',
  fills: 'subject.dateOfBirth',
  notInFuture: true,
  prompt: L('Ngày sinh?', 'Born?'),
};

const answer = (input: Input, text: string) =>
  answerFromText(input, optionsOf(input, 'vi', undefined), text, now);

describe('reading a typed answer', () => {
  it('takes an option by its label with or without diacritics, by a part of it, or by its number', () => {
    expect(answer(relation, 'cho ban than')).toEqual({ ok: true, value: 'self' });
    expect(answer(relation, 'Cho con')).toEqual({ ok: true, value: 'child' });
    expect(answer(relation, 'cha hoặc mẹ')).toEqual({ ok: true, value: 'parent' });
    expect(answer(relation, '2')).toEqual({ ok: true, value: 'child' });
    expect(answer(relation, 'cho')).toMatchObject({ ok: false, key: 'requests:flow.invalid.choice' });
  });

  it('reads yes and no as people type them', () => {
    for (const y of ['có', 'co', 'Vâng', 'ừ', 'ok', 'đúng rồi'])
      expect(answer(yes, y)).toEqual({ ok: true, value: true });
    for (const n of ['không', 'ko', 'k', 'chưa', 'hok'])
      expect(answer(yes, n)).toEqual({ ok: true, value: false });
    expect(answer(yes, 'có lẽ')).toMatchObject({ ok: false, key: 'requests:flow.invalid.yesno' });
  });

  it('reads numbers in digits or Vietnamese words, within the bounds', () => {
    expect(answer(copies, '3 bản')).toEqual({ ok: true, value: 3 });
    expect(answer(copies, 'ba')).toEqual({ ok: true, value: 3 });
    expect(answer(copies, 'mười')).toEqual({ ok: true, value: 10 });
    expect(answer(copies, 'mười một')).toMatchObject({ ok: false, params: { min: 1, max: 10 } });
    expect(answer({ ...copies, max: 99 }, 'hai mươi lăm')).toEqual({ ok: true, value: 25 });
  });

  it('takes yes, no and numbers out of the short sentences people type', () => {
    for (const text of ['hong', 'hông', 'ko có', 'không có ạ', 'k nhé', 'hem'])
      expect(answer(yes, text), text).toEqual({ ok: true, value: false });
    for (const text of ['có ạ', 'uh', 'uhm', 'vâng ạ', 'yep'])
      expect(answer(yes, text), text).toEqual({ ok: true, value: true });
    expect(answer(copies, 'tôi cần 2 bản')).toEqual({ ok: true, value: 2 });
    expect(answer(copies, 'cho tôi hai bản nhé')).toEqual({ ok: true, value: 2 });
    expect(answer(copies, 'I need three copies')).toEqual({ ok: true, value: 3 });
    expect(answer(dob, 'ngay sinh 14/5/1990')).toEqual({ ok: true, value: '1990-05-14' });
    expect(answer(dob, '2 Nov 1985')).toEqual({ ok: true, value: '1985-11-02' });
  });

  it('reads dates day first and says exactly what is wrong', () => {
    expect(answer(dob, '05/09/2017')).toEqual({ ok: true, value: '2017-09-05' });
    expect(answer(dob, 'ngày 5 tháng 9 năm 2017')).toEqual({ ok: true, value: '2017-09-05' });
    expect(answer(dob, '09/25/2017')).toMatchObject({
      ok: false,
      key: 'identity:errors.HOSO_ERR_DATE_MONTH_FIRST',
    });
    expect(answer(dob, '01/01/2030')).toMatchObject({
      ok: false,
      key: 'identity:errors.HOSO_ERR_DATE_IN_FUTURE',
    });
  });
});
