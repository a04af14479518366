import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n.ts';
import { createInProcessJobQueue } from '../../src/jobs/in-process.ts';
import {
  DuplicateContributorError,
  type PersonalDataContributor,
  PersonalDataRegistry,
} from '../../src/privacy/contributors.ts';
import { ERASURE_JOB, ErasureService } from '../../src/privacy/erasure.ts';
import { MemoryStore } from '../../src/store/memory.ts';

const silent = { info() {}, warn() {}, error() {} };
const translator = createTranslator();
const settings = { completeWithinMs: 15 * 86_400_000, receiptRetentionMs: 365 * 86_400_000 };

function recorder(name: string, calls: string[], failFirst = false): PersonalDataContributor {
  let failed = !failFirst;
  return {
    name,
    async export() {
      return null;
    },
    async erase() {
      calls.push(name);
      if (!failed) {
        failed = true;
        throw new Error(`${name} is down`);
      }
      return { erased: [name], kept: [] };
    },
  };
}

describe('erasure of personal data', () => {
  it('erases the latest registered contributors first, so modules still see the identity link', async () => {
    const registry = new PersonalDataRegistry();
    const calls: string[] = [];
    registry.register(recorder('identity', calls));
    registry.register(recorder('requests', calls));
    expect(() => registry.register(recorder('identity', calls))).toThrow(DuplicateContributorError);
    const sent: string[] = [];
    const erasure = new ErasureService({
      kv: new MemoryStore(),
      registry,
      translator,
      notify: async (_a, messages) => {
        sent.push(...messages.map((m) => (m.type === 'text' ? m.text : '')));
      },
      log: silent,
      settings,
    });
    const { record } = await erasure.request(
      { accounts: [{ channel: 'webchat', userId: 'w1' }] },
      { channel: 'webchat', userId: 'w1' },
      'en',
      new Date('2026-11-25T03:00:00Z'),
    );
    expect(record.deadline).toBe('2026-12-10T03:00:00.000Z');
    await erasure.run(record.requestId);
    expect(calls).toEqual(['requests', 'identity']);
    expect(sent[0]).toContain(`Hoso has completed deletion request ${record.requestId}`);
    expect(sent[0]).toContain('The receipt of deletion request');
    // Running the job again (a redelivery) neither erases nor tells twice.
    await erasure.run(record.requestId);
    expect(calls).toEqual(['requests', 'identity']);
    expect(sent).toHaveLength(1);
  });

  it('retries until every contributor has erased, and a new process picks up what was left pending', async () => {
    const kv = new MemoryStore();
    const registry = new PersonalDataRegistry();
    const calls: string[] = [];
    registry.register(recorder('flaky', calls, true));
    const deps = { kv, registry, translator, notify: async () => {}, log: silent, settings };
    const first = new ErasureService(deps);
    const { record } = await first.request(
      { accounts: [{ channel: 'telegram', userId: '9' }] },
      { channel: 'telegram', userId: '9' },
      'vi',
      new Date(),
    );
    // The process "stopped" before the job ran: a new one finds the request and runs it through its queue.
    const second = new ErasureService(deps);
    expect(await second.pending()).toEqual([record.requestId]);
    const jobs = createInProcessJobQueue({ log: silent, backoffMs: 5 });
    jobs.handle(ERASURE_JOB, second.handler());
    for (const id of await second.pending())
      await jobs.enqueue({ name: ERASURE_JOB, data: { requestId: id } });
    const started = Date.now();
    while ((await second.get(record.requestId))?.status !== 'done' && Date.now() - started < 3000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await jobs.close();
    expect(calls).toEqual(['flaky', 'flaky']);
    expect(await second.get(record.requestId)).toMatchObject({
      status: 'done',
      erased: ['flaky'],
      notified: true,
    });
    expect(await second.pending()).toEqual([]);
  });
});
