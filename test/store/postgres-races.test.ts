import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { createDeadLetterList } from '../../src/jobs/dead-letters.ts';
import { PostgresRecordStore } from '../../src/store/postgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';

const bus = { publish: async () => {}, subscribe: async () => async () => {} };

/**
 * Several processes write the same records at once. Emptying a list drops its key (as Redis does), which
 * must never take with it an item that another connection is adding at that moment.
 */
describe('the record store under concurrent writers', () => {
  let test: TestDatabase;
  let database: Database;
  let store: PostgresRecordStore;

  beforeAll(async () => {
    test = await createTestDatabase();
    database = await openDatabase({ url: test.url, poolSize: 4 });
    store = new PostgresRecordStore(database.db, { bus });
  });
  afterAll(async () => {
    await store.close();
    await database.close();
    await test.drop();
  });

  it('keeps an item pushed while the last other item is being removed', async () => {
    const lost: number[] = [];
    for (let i = 0; i < 150; i++) {
      const key = `race:${i}`;
      await store.rpush(key, 'old');
      await Promise.all([store.lrem(key, 'old'), store.rpush(key, `new ${i}`)]);
      if (!(await store.lrange(key, 0, -1)).includes(`new ${i}`)) lost.push(i);
    }
    expect(lost).toEqual([]);
  });

  it('keeps a dead letter recorded while staff take the previous one off the list', async () => {
    const letters = createDeadLetterList(store);
    for (let i = 0; i < 50; i++) {
      const old = await letters.add({
        name: 'request.submit',
        data: { i },
        attempts: 1,
        error: { message: 'x' },
      });
      const [, fresh] = await Promise.all([
        letters.remove(old.id),
        letters.add({ name: 'request.submit', data: { i }, attempts: 1, error: { message: 'again' } }),
      ]);
      const ids = (await letters.list()).map((l) => l.id);
      expect(ids).toContain(fresh.id);
      await letters.remove(fresh.id);
    }
  });
});
