import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/rules/catalog.ts';
import { explain } from '../../src/rules/explain.ts';
import { REPO_RULES } from './fixtures.ts';

const lltp = (await loadCatalog(REPO_RULES)).get('lltp');

describe('explain', () => {
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
    expect(vi).toContain('Lưu ý');
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
