import { describe, expect, it } from 'vitest';
import { createTranslator, type Lang } from '../../../src/i18n.ts';
import { DraftSchema } from '../../../src/requests/flow/draft.ts';
import { summaryCard, summaryDetails } from '../../../src/requests/flow/summary.ts';
import { loadCatalog } from '../../../src/rules/catalog.ts';
import type { Decision } from '../../../src/rules/decision.ts';
import { REPO_RULES } from '../../rules/fixtures.ts';

const catalog = await loadCatalog(REPO_RULES);
const translator = createTranslator();

async function both(service: string, facts: Record<string, unknown>, lang: Lang = 'vi') {
  const loaded = catalog.get(service);
  const decision = await loaded.decide(facts, { lang, trace: true });
  return render(service, facts, decision, lang);
}

function render(service: string, facts: Record<string, unknown>, decision: Decision, lang: Lang = 'vi') {
  const input = {
    draft: DraftSchema.parse({ service, version: '1', facts, answered: [], stage: 'summary' }),
    service: catalog.get(service),
    decision,
    subjectName: 'Trần Thị Hoà',
    holidays: new Set<string>(),
    t: translator.t(lang),
    lang,
  };
  return { decision, card: summaryCard(input), details: summaryDetails(input) };
}

/** A student's Form 1 with three copies, in person: a reduction, a surcharge, and a document to bring. */
const student = {
  on: '2025-06-01',
  channel: 'in_person',
  requester: { dateOfBirth: '2003-09-09' },
  feeCategory: 'student',
  request: { copies: 3 },
};

describe('the summary card and its details', () => {
  it('gives the fee as a total on the card and line by line, each with its instrument, in the details', async () => {
    const { card, details } = await both('lltp', student);
    expect(card).toContain('Lệ phí: 105.000\u00a0₫');
    expect(card).not.toContain('Thông tư');
    expect(card).not.toContain('-100.000');
    expect(details).toContain(
      '• Giảm phí cho sinh viên, học sinh, người có công, thân nhân liệt sĩ: -100.000\u00a0₫\n  – Thông tư 16/2025/TT-BTC',
    );
    expect(details).toContain('• Phụ phí từ bản thứ 3 trở đi: 5.000\u00a0₫');
    expect(details).toContain('Tổng cộng: 105.000\u00a0₫');
    expect(details).toContain(
      'Thời hạn giải quyết: 10 ngày làm việc (*)\n  – Luật Lý lịch tư pháp số 28/2009/QH12, Điều 48 khoản 1',
    );
  });

  it('marks the line an uncertain rule decides, and says nothing of uncertainty when every rule is sure', async () => {
    const { decision, card, details } = await both('lltp', student);
    // The processing time of this request is read on conflicting sources; the fee is not.
    expect(card).toMatch(/^Dự kiến có kết quả: ngày \d{2}\/\d{2}\/\d{4} \(nếu nộp hôm nay\) \(\*\)$/m);
    expect(card).toMatch(/^Lệ phí: 105\.000\s₫$/m);
    expect(card).toContain('(*) Quy định ở dòng đánh dấu (*)');
    expect(details).toContain('(*) Quy định ở dòng đánh dấu (*)');
    const sure = render('lltp', student, {
      ...decision,
      trace: (decision.trace ?? []).map((e) => ({ ...e, certainty: 'single' as const })),
    });
    expect(sure.card).not.toContain('(*)');
    expect(sure.card).not.toContain('cách hiểu tốt nhất');
    expect(sure.details).not.toContain('(*)');
  });

  it('tells an ineligible citizen why on the card, and on which instrument in the details', async () => {
    const { card, details } = await both('lltp', {
      on: '2025-06-01',
      channel: 'post',
      requester: { dateOfBirth: '1990-05-05' },
      subject: { relation: 'spouse' },
      request: { form: 2 },
    });
    expect(card).toContain('Với thông tin đã khai, anh/chị chưa thể làm hồ sơ này:');
    expect(card).toContain('• Phiếu lý lịch tư pháp số 2 phải do chính người được cấp phiếu yêu cầu');
    expect(card).not.toContain('Luật Lý lịch tư pháp số 28/2009/QH12');
    expect(card).not.toContain('Lệ phí');
    expect(details).toContain('Luật Lý lịch tư pháp số 28/2009/QH12, Điều 46 khoản 3');
    expect(details).not.toContain('Chi tiết lệ phí');
  });

  it('says a health extract is free and immediate, in English too', async () => {
    const facts = {
      requester: { dateOfBirth: '1990-05-14', identityLevel: 2 },
      request: { scope: 'summary' },
      consent: { healthData: true },
    };
    const vi = await both('health_record', facts);
    expect(vi.decision.eligible).toBe(true);
    expect(vi.card).toMatch(/Lệ phí: không phải nộp/);
    expect(vi.card).toContain('Kết quả: có ngay sau khi hồ sơ được chấp nhận');
    const en = await both('health_record', facts, 'en');
    expect(en.card).toContain('You can file this request.');
    expect(en.card).toMatch(/Fee: none/);
    expect(en.card).not.toMatch(/anh\/chị|Lệ phí/);
    expect(en.details).not.toMatch(/anh\/chị|Lệ phí/);
  });
});
