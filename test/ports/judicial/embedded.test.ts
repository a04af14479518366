import { describe, expect, it } from 'vitest';
import { EmbeddedJudicialRecords, hasGeneratedRecord } from '../../../src/ports/judicial/embedded.ts';
import { extractSection, JudicialRecordSchema } from '../../../src/ports/judicial/schema.ts';

const records = new EmbeddedJudicialRecords();

/** A fictional 12-digit ID following the layout: birth code, century/gender digit, year, six digits. */
const idOf = (n: number) => `001${1}${String(70 + (n % 30)).padStart(2, '0')}${String(n).padStart(6, '0')}`;

describe('the fictional judicial records', () => {
  it('gives most people no record ("không có án tích")', async () => {
    expect(await records.lookup('001190012345')).toEqual({ convictions: [], managementBans: [] });
    let withRecord = 0;
    for (let n = 0; n < 2000; n++) if (hasGeneratedRecord(idOf(n))) withRecord++;
    // About three in a hundred: the demo sees both cases, nobody sees many.
    expect(withRecord / 2000).toBeGreaterThan(0.015);
    expect(withRecord / 2000).toBeLessThan(0.05);
  });

  it('answers the same for the same person every time', async () => {
    const someone = Array.from({ length: 500 }, (_, n) => idOf(n)).find(hasGeneratedRecord)!;
    const first = await records.lookup(someone);
    expect(first.convictions.length).toBeGreaterThan(0);
    expect(await records.lookup(someone)).toEqual(first);
    expect(JudicialRecordSchema.parse(first)).toEqual(first);
  });

  it('shows a current conviction on Form 1 and every conviction on Form 2 for the fixture with a record', async () => {
    const record = await records.lookup('031079007788');
    const form1 = extractSection(record, 1);
    const form2 = extractSection(record, 2);
    expect(form1.convictions.map((c) => c.judgment.number)).toEqual(['87/2023/HS-ST']);
    expect(form2.convictions.map((c) => c.judgment.number)).toEqual(['87/2023/HS-ST', '142/2004/HS-ST']);
    expect(form2.convictions[1]?.expunged?.on).toBe('2008-06-20');
  });

  it('says "no record" on Form 1 when every conviction was expunged, but Form 2 still shows it', async () => {
    const record = await records.lookup('066170003579');
    expect(extractSection(record, 1).convictions).toEqual([]);
    expect(extractSection(record, 2).convictions).toHaveLength(1);
  });

  it('shows a management ban on Form 1 only when asked, on Form 2 always', async () => {
    const record = await records.lookup('079085004321');
    expect(extractSection(record, 1).managementBan).toEqual({ requested: false, bans: [] });
    expect(extractSection(record, 1, true).managementBan.bans).toHaveLength(1);
    expect(extractSection(record, 2).managementBan.bans).toHaveLength(1);
  });
});
