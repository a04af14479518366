import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/rules/catalog.ts';
import { explain } from '../../src/rules/explain.ts';
import { REPO_RULES } from './fixtures.ts';

const lltp = (await loadCatalog(REPO_RULES)).get('lltp');

describe('explain', () => {
  it('marks only the lines an uncertain rule decides, and never hedges a summary whose rules are all sure', async () => {
    const d = await lltp.decide(
      {
        on: '2025-06-01',
        channel: 'in_person',
        requester: { dateOfBirth: '1990-05-05' },
        request: { copies: 1 },
      },
      { trace: true },
    );
    const text = lltp.explain(d, 'vi');
    const unsure = (d.trace ?? []).some(
      (e) => e.fired && (e.certainty === 'uncertain' || e.certainty === 'conflict'),
    );
    const marked = text.split('\n').filter((l) => l.startsWith('•') && l.includes('(*)'));
    expect(text).not.toContain('một số quy định trên');
    if (marked.length > 0) expect(text).toContain('(*) Quy định ở dòng đánh dấu (*)');
    else expect(text).not.toContain('cách hiểu tốt nhất');
    // A reading from a single source is not uncertain: it alone never brings the note.
    const sureOnly = {
      ...d,
      trace: (d.trace ?? []).map((e) => ({
        ...e,
        certainty: e.certainty === 'confirmed' ? e.certainty : ('single' as const),
      })),
    };
    expect(lltp.explain(sureOnly, 'vi')).not.toContain('cách hiểu tốt nhất');
    expect(unsure || marked.length === 0).toBe(true);
  });

  it('tells an ineligible citizen why, on which instrument, in polite Vietnamese', async () => {
    const d = await lltp.decide(
      {
        on: '2025-06-01',
        channel: 'post',
        requester: { dateOfBirth: '1990-05-05' },
        subject: { relation: 'spouse' },
        request: { form: 2 },
      },
      { trace: true },
    );
    const text = lltp.explain(d, 'vi');
    expect(text).toContain('Hiện anh/chị chưa thể thực hiện thủ tục “Cấp Phiếu lý lịch tư pháp”');
    expect(text).toContain('Phiếu lý lịch tư pháp số 2 phải do chính người được cấp phiếu yêu cầu');
    expect(text).toContain('Luật Lý lịch tư pháp số 28/2009/QH12, Điều 46 khoản 3');
    expect(text).toBe(text.normalize('NFC'));
  });

  it('tells an eligible citizen what to bring, what to pay, where and how long, in English too', async () => {
    const d = await lltp.decide(
      {
        on: '2025-06-01',
        channel: 'in_person',
        requester: { dateOfBirth: '2003-09-09' },
        feeCategory: 'student',
        request: { copies: 3 },
      },
      { trace: true },
    );
    const en = lltp.explain(d, 'en');
    expect(en).toContain('You can go ahead with “Criminal record extract (Phiếu lý lịch tư pháp)”');
    expect(en).toContain('Proof of entitlement to the reduced fee');
    expect(en).toContain('Pay VND\u00a0105,000');
    expect(en).toContain('Thông tư 16/2025/TT-BTC');
    expect(en).toContain('The provincial police');
    expect(en).toContain('Expected processing time: 10 working days');
    const vi = lltp.explain(d, 'vi');
    expect(vi).toContain('Nộp phí 105.000\u00a0₫');
    expect(vi).toContain('Thời hạn giải quyết dự kiến: 10 ngày làm việc');
    // The uncertain reading is marked on its own line, and the note refers to that mark.
    expect(vi.split('\n').some((l) => l.startsWith('•') && l.includes('(*)'))).toBe(true);
    expect(vi).toContain('(*) Quy định ở dòng đánh dấu (*)');
  });

  it('explains in the language asked even when the decision was made in the other', async () => {
    const d = await lltp.decide(
      { on: '2026-11-25', channel: 'online', requester: { dateOfBirth: '1990-05-05', identityLevel: 1 } },
      { trace: true, lang: 'en' },
    );
    expect(lltp.explain(d, 'vi')).toContain('Nộp trực tuyến cần tài khoản định danh điện tử VNeID mức độ 2');
  });

  it('says when the decision carries no trace to cite from', async () => {
    const d = await lltp.decide({
      on: '2026-11-25',
      requester: { dateOfBirth: '1990-05-05', identityLevel: 2 },
    });
    expect(explain(d, 'vi')).toContain('vết quyết định');
    expect(explain(d, 'en')).toContain('You can go ahead with “this service”');
  });

  it('adds the notices after the rest, with their legal basis, whatever the eligibility', async () => {
    const form2ForAJob = {
      on: '2026-07-01',
      requester: { dateOfBirth: '1990-05-14', identityLevel: 2 },
      request: { form: 2, purpose: 'employment' },
    };
    const d = await lltp.decide(form2ForAJob, { trace: true });
    expect(d.eligible).toBe(true);
    const vi = lltp.explain(d, 'vi');
    expect(vi).toContain('Anh/chị đủ điều kiện');
    const notes = vi.slice(vi.indexOf('Xin anh/chị lưu ý:'));
    expect(notes).toMatch(
      /^Xin anh\/chị lưu ý:\n• Từ ngày 01\/7\/2026, cơ quan, tổ chức và người sử dụng lao động không được yêu cầu/,
    );
    expect(notes).toContain('nhà tuyển dụng thường chỉ có thể yêu cầu Phiếu số 1');
    expect(notes).toContain('Anh/chị vẫn có quyền yêu cầu cấp Phiếu số 2 cho chính mình');
    expect(notes).toContain('Luật Lý lịch tư pháp số 28/2009/QH12, Điều 41 khoản 2');
    expect(vi).toBe(vi.normalize('NFC'));
    const en = lltp.explain(d, 'en');
    expect(en).toContain('Please note:\n• From 1 July 2026, agencies, organisations and employers may not');
    // The citation is the rule's basis, said once after the sentence, not inside it.
    expect(en).toContain('(legal basis: Luật số 107/2025/QH15');
    expect(en).toContain('You may still request a Form 2 extract for yourself');

    // Refused for another reason (paper, with a level-2 account): the notice still follows.
    const refused = await lltp.decide({ ...form2ForAJob, channel: 'in_person' }, { trace: true });
    expect(refused.eligible).toBe(false);
    expect(lltp.explain(refused, 'vi')).toContain('Xin anh/chị lưu ý:');
    // Without a trace the message is shown as decided, without a citation.
    expect(lltp.explain(await lltp.decide(form2ForAJob), 'vi')).toContain(
      'cung cấp Phiếu lý lịch tư pháp số 2',
    );
    // Nothing to note: no heading.
    const form1 = await lltp.decide({ ...form2ForAJob, request: { form: 1, purpose: 'employment' } });
    expect(lltp.explain(form1, 'vi')).not.toContain('Xin anh/chị lưu ý:');
  });

  it('says the extract is free and immediate for a health record', async () => {
    const health = (await loadCatalog(REPO_RULES)).get('health_record');
    const d = await health.decide(
      {
        on: '2026-11-25',
        requester: { dateOfBirth: '1988-08-08', identityLevel: 2 },
        consent: { healthData: true },
      },
      { trace: true },
    );
    const text = health.explain(d, 'vi');
    expect(text).toContain('Anh/chị không phải nộp phí');
    expect(text).toContain('Kết quả có ngay');
  });
});
