import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_IDS } from '../../../src/ports/population/fixtures.ts';
import { HttpPopulationRegistry } from '../../../src/ports/population/http.ts';
import { PopulationRegistryError } from '../../../src/ports/population/registry.ts';
import type { FakeServer } from '../fakes/http-fake.ts';
import { startFakePopulationRegistry } from '../fakes/population-registry.ts';

/**
 * Quick retries, but a timeout no ordinary answer reaches even on a loaded machine: a 300 ms timeout once made a
 * plain 401 time out and be retried. Only the timeout tests use a short one, against answers that never come in time.
 */
const fast = { timeoutMs: 10_000, backoffMs: 10, maxBackoffMs: 20 };
const impatient = { ...fast, timeoutMs: 1_500 };
/** Longer than any test: the fake server answers only when it is closed. */
const NEVER = 10 * 60_000;
let server: FakeServer;
let registry: HttpPopulationRegistry;

beforeEach(async () => {
  server = await startFakePopulationRegistry({ token: 's3cret', basePath: '/api/v1' });
  registry = new HttpPopulationRegistry({ baseUrl: `${server.url}/api/v1/`, token: 's3cret', retry: fast });
});

afterEach(async () => {
  await server.close();
});

async function refusal(promise: Promise<unknown>): Promise<PopulationRegistryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PopulationRegistryError);
    return error as PopulationRegistryError;
  }
  throw new Error('expected a PopulationRegistryError');
}

describe('HttpPopulationRegistry against a server speaking the contract', () => {
  it('finds a citizen, sending the bearer token', async () => {
    const citizen = await registry.findByCitizenId(FIXTURE_IDS.level2Adult);
    expect(citizen?.fullName).toBe('Trần Thị Hoà');
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: `/api/v1/citizens/${FIXTURE_IDS.level2Adult}`,
    });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer s3cret');
  });

  it('answers undefined on 404, without retrying', async () => {
    expect(await registry.findByCitizenId('001099999999')).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it('lists a parent’s children', async () => {
    const children = await registry.findChildren(FIXTURE_IDS.parentWithChild);
    expect(children.map((c) => c.id)).toEqual([FIXTURE_IDS.childUnder14]);
    expect(await registry.findChildren('001099999999')).toEqual([]);
  });

  it('never puts a malformed ID into a URL', async () => {
    expect(await registry.findByCitizenId('../admin')).toBeUndefined();
    expect(await registry.findChildren('001 190 012 345')).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('retries after 5xx answers and succeeds when the registry recovers', async () => {
    server.script({ status: 503 }, { status: 502 });
    const citizen = await registry.findByCitizenId(FIXTURE_IDS.level1Adult);
    expect(citizen?.fullName).toBe('Lê Văn Bình');
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after the configured attempts with HOSO_ERR_POPULATION_UNAVAILABLE', async () => {
    server.script({ status: 500 }, { status: 500 }, { status: 500 });
    const error = await refusal(registry.findByCitizenId(FIXTURE_IDS.level1Adult));
    expect(error).toMatchObject({ code: 'HOSO_ERR_POPULATION_UNAVAILABLE', status: 500 });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 4xx refusal', async () => {
    const wrongToken = new HttpPopulationRegistry({
      baseUrl: `${server.url}/api/v1`,
      token: 'nope',
      retry: fast,
    });
    const error = await refusal(wrongToken.findByCitizenId(FIXTURE_IDS.level1Adult));
    expect(error).toMatchObject({ code: 'HOSO_ERR_POPULATION_REJECTED', status: 401 });
    expect(server.requests).toHaveLength(1);
  });

  it('times out a slow answer and retries it', async () => {
    server.script({ status: 200, body: '{}', delayMs: NEVER });
    const quick = new HttpPopulationRegistry({
      baseUrl: `${server.url}/api/v1/`,
      token: 's3cret',
      retry: impatient,
    });
    const citizen = await quick.findByCitizenId(FIXTURE_IDS.level1Adult);
    expect(citizen?.id).toBe(FIXTURE_IDS.level1Adult);
    expect(server.requests).toHaveLength(2);
  });

  it('reports a timeout when every attempt is too slow', async () => {
    server.script(...Array.from({ length: 3 }, () => ({ status: 200, delayMs: NEVER })));
    const quick = new HttpPopulationRegistry({
      baseUrl: `${server.url}/api/v1/`,
      token: 's3cret',
      retry: impatient,
    });
    const error = await refusal(quick.findByCitizenId(FIXTURE_IDS.level1Adult));
    expect(error.code).toBe('HOSO_ERR_POPULATION_UNAVAILABLE');
    expect(error.message).toMatch(/timed out after 1500 ms/);
  });

  it('retries after a dropped connection', async () => {
    server.script({ status: 0, hangUp: true });
    expect((await registry.findByCitizenId(FIXTURE_IDS.level1Adult))?.id).toBe(FIXTURE_IDS.level1Adult);
  });

  it('reports an unreachable registry', async () => {
    await server.close();
    const error = await refusal(registry.findByCitizenId(FIXTURE_IDS.level1Adult));
    expect(error.code).toBe('HOSO_ERR_POPULATION_UNAVAILABLE');
    server = await startFakePopulationRegistry();
  });

  it('refuses an answer that does not match the contract, naming fields but no personal data', async () => {
    const broken = {
      id: FIXTURE_IDS.level1Adult,
      fullName: 'Lê Văn Bình',
      phone: '0901000002',
      vneidLevel: 3,
    };
    server.script({ status: 200, body: JSON.stringify(broken) });
    const error = await refusal(registry.findByCitizenId(FIXTURE_IDS.level1Adult));
    expect(error.code).toBe('HOSO_ERR_POPULATION_BAD_ANSWER');
    expect(error.message).toContain('vneidLevel');
    expect(error.message).not.toContain(FIXTURE_IDS.level1Adult);
    expect(error.message).not.toContain('0901000002');
    expect(error.message).not.toContain('Bình');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a body that is not JSON', async () => {
    server.script({ status: 200, body: '<html>maintenance</html>' });
    const error = await refusal(registry.findByCitizenId(FIXTURE_IDS.level1Adult));
    expect(error.code).toBe('HOSO_ERR_POPULATION_BAD_ANSWER');
  });
});
