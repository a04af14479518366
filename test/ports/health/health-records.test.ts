import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EmbeddedHealthRecords,
  fictionalHealthBook,
  HEALTH_FIXTURE_WITH_SENSITIVE_VISIT,
} from '../../../src/ports/health/embedded.ts';
import { HttpHealthRecords } from '../../../src/ports/health/http.ts';
import { HealthBookSchema, type HealthRecords } from '../../../src/ports/health/schema.ts';
import { type FakeHealthApi, startFakeHealthApi } from '../../fakes/health-api.ts';

const HOA = '001190012345';
const SENSITIVE = HEALTH_FIXTURE_WITH_SENSITIVE_VISIT;

function text(value: unknown): string {
  return JSON.stringify(value);
}

describe('the fictional e-health books', () => {
  it('gives everyone a book in the four groups of Decision 1332, the same every time', () => {
    const book = fictionalHealthBook(HOA)!;
    expect(HealthBookSchema.parse(book)).toEqual(book);
    expect(book.administrative.insuranceCard?.number).toMatch(/^[A-Z]{2}\d/);
    expect(book.history.vaccinations.length).toBeGreaterThan(0);
    expect(book.visits.length).toBeGreaterThan(0);
    expect(book.visits.every((v) => /^[A-Z]\d{2}/.test(v.icd10[0]!))).toBe(true);
    expect(book.visits.some((v) => v.summary)).toBe(true);
    expect(book.visits[0]?.indicators.bloodGroup).toBeDefined();
    expect(fictionalHealthBook(HOA)).toEqual(book);
  });

  it('gives a child the childhood vaccination schedule', () => {
    const child = fictionalHealthBook('048217001122')!;
    expect(child.history.vaccinations.map((v) => v.vaccine)).toContain('BCG (lao)');
    expect(child.history.vaccinations.find((v) => v.vaccine === 'BCG (lao)')?.date.slice(0, 4)).toBe('2017');
  });
});

for (const kind of ['embedded', 'http'] as const) {
  describe(`the ${kind} health-records port`, () => {
    let port: HealthRecords;
    let fake: FakeHealthApi | undefined;

    beforeAll(async () => {
      if (kind === 'embedded') port = new EmbeddedHealthRecords();
      else {
        fake = await startFakeHealthApi();
        port = new HttpHealthRecords({ baseUrl: fake.baseUrl, token: 'health-token', timeoutMs: 3000 });
      }
    });
    afterAll(async () => fake?.close());

    it('never shares an HIV episode, its diagnosis, its clinic or a medicine that would tell', async () => {
      const all = await port.getBook(SENSITIVE, { scope: 'all' });
      expect(all).toBeDefined();
      const shared = text(all);
      expect(shared).not.toMatch(/HIV|B24|Tenofovir|ARV/i);
      expect(all!.visits.map((v) => v.id)).toEqual(['KCB-0042-2']);
      expect(all!.visits[0]!.medicines.map((m) => m.name)).toEqual(['Paracetamol']);
      expect(all!.history.diseases.map((d) => d.icd10)).toEqual(['J30.4']);
      expect(all!.sources.map((s) => s.facility)).toEqual(['Trung tâm Y tế quận 3']);
      // The whole book did hold it: the filter is what kept it out.
      expect(text(fictionalHealthBook(SENSITIVE))).toMatch(/HIV/);
    });

    it('shares only vaccinations for the vaccinations scope', async () => {
      const book = (await port.getBook(HOA, { scope: 'vaccinations' }))!;
      expect(book.history.vaccinations.length).toBeGreaterThan(0);
      expect(book.visits).toEqual([]);
      expect(book.history.allergies).toEqual([]);
      expect(book.history.diseases).toEqual([]);
    });

    it('shares one visit for the visit scope, and lists visits without their diagnoses', async () => {
      const visits = await port.listVisits(HOA);
      expect(visits.length).toBeGreaterThan(0);
      expect(Object.keys(visits[0]!).sort()).toEqual(['admittedAt', 'facility', 'id', 'type']);
      const one = (await port.getBook(HOA, { scope: 'visit', visitId: visits[0]!.id }))!;
      expect(one.visits.map((v) => v.id)).toEqual([visits[0]!.id]);
    });

    it('says so when the chosen visit is not in the book', async () => {
      await expect(port.getBook(HOA, { scope: 'visit', visitId: 'KCB-NOPE' })).rejects.toMatchObject({
        code: 'HOSO_ERR_HEALTH_VISIT_NOT_FOUND',
      });
    });

    it('leaves the HIV clinic visit out of the list of visits', async () => {
      expect((await port.listVisits(SENSITIVE)).map((v) => v.id)).toEqual(['KCB-0042-2']);
    });

    it('shares history, key indicators and the latest summary for the summary scope', async () => {
      const book = (await port.getBook(HOA, { scope: 'summary' }))!;
      expect(book.history.vaccinations).toEqual([]);
      expect(book.visits.some((v) => v.summary)).toBe(true);
      expect(book.visits.some((v) => v.indicators.heightCm !== undefined)).toBe(true);
    });

    it('answers undefined for someone without a book', async () => {
      expect(await port.getBook('not-an-id', { scope: 'all' })).toBeUndefined();
    });
  });
}

describe('the health-records HTTP adapter', () => {
  let fake: FakeHealthApi;
  let port: HttpHealthRecords;
  beforeAll(async () => {
    fake = await startFakeHealthApi();
    port = new HttpHealthRecords({ baseUrl: fake.baseUrl, token: 'health-token', timeoutMs: 3000 });
  });
  afterAll(async () => fake.close());

  it('asks the source for the scope only, with the token', async () => {
    fake.mode = 'ok';
    await port.getBook(HOA, { scope: 'vaccinations' });
    expect(fake.seen.at(-1)).toEqual({
      path: `/api/health-books/${HOA}?scope=vaccinations`,
      authorization: 'Bearer health-token',
    });
  });

  it('says the system is unavailable on a 5xx or a timeout, and refuses an answer off the contract', async () => {
    fake.mode = 'down';
    await expect(port.getBook(HOA, { scope: 'all' })).rejects.toMatchObject({
      code: 'HOSO_ERR_HEALTH_UNAVAILABLE',
    });
    fake.mode = 'slow';
    const impatient = new HttpHealthRecords({ baseUrl: fake.baseUrl, timeoutMs: 200 });
    await expect(impatient.getBook(HOA, { scope: 'all' })).rejects.toMatchObject({
      code: 'HOSO_ERR_HEALTH_UNAVAILABLE',
    });
    fake.mode = 'garbage';
    await expect(port.getBook(HOA, { scope: 'all' })).rejects.toMatchObject({
      code: 'HOSO_ERR_HEALTH_BAD_ANSWER',
    });
    fake.mode = 'ok';
  });
});
