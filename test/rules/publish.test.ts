import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PublishRefusedError, type RulesError } from '../../src/rules/errors.ts';
import { RulesAdmin } from '../../src/rules/publish.ts';
import { RuleVersionStore } from '../../src/rules/versions.ts';
import { testRedisStore } from '../support/redis.ts';
import { copyRepoCatalog, REPO_RULES, serviceFiles, withRule } from './fixtures.ts';

const agency = { name: 'moj', role: 'agency' };
let redis: ReturnType<typeof testRedisStore>;
let admin: RulesAdmin;

beforeEach(async () => {
  redis = testRedisStore();
  admin = new RulesAdmin({ versions: new RuleVersionStore(redis.store), impactSample: 2000 });
  await admin.seed(REPO_RULES);
});
afterEach(async () => {
  await redis.cleanup();
});

describe('seeding from the catalog folder', () => {
  it('puts every service of the folder in force once, and never again', async () => {
    expect(await admin.versions.services()).toEqual(['health_record', 'lltp']);
    expect(await admin.versions.current('lltp')).toBe('2026.11.1');
    expect(await admin.seed(REPO_RULES)).toEqual([]);
    const seeds = (await admin.versions.auditLog()).filter((e) => e.action === 'seed');
    expect(seeds.map((e) => e.service)).toEqual(['health_record', 'lltp']);
  });
});

type RuleJson = { effective: { from: string }; event: { params: Record<string, unknown> } };

describe('seeding through the publish gate', () => {
  async function seedFrom(edit: (dir: string) => void) {
    const { dir, cleanup } = copyRepoCatalog();
    try {
      edit(dir);
      const logs: { fields: Record<string, unknown>; message: string }[] = [];
      const log = {
        error: (fields: Record<string, unknown>, message: string) => void logs.push({ fields, message }),
      };
      const store = testRedisStore();
      try {
        const fresh = new RulesAdmin({ versions: new RuleVersionStore(store.store), log });
        const seeded = await fresh.seed(dir);
        return {
          seeded,
          logs,
          current: await fresh.versions.current('lltp'),
          health: await fresh.versions.current('health_record'),
          audit: await fresh.versions.auditLog(),
        };
      } finally {
        await store.cleanup();
      }
    } finally {
      cleanup();
    }
  }

  const editRule = (dir: string, file: string, id: string, edit: (r: RuleJson) => void) => {
    const path = join(dir, file);
    const content = JSON.parse(readFileSync(path, 'utf8'));
    edit(content.rules.find((r: { id: string }) => r.id === id));
    writeFileSync(path, JSON.stringify(content));
  };

  it('refuses a catalog service whose scenarios fail, logs why and leaves the others in force', async () => {
    const r = await seedFrom((dir) =>
      editRule(dir, 'lltp/rules/fees.json', 'F3-base-2025', (rule) => (rule.event.params.amount = 250000)),
    );
    expect(r.seeded).toEqual(['health_record']);
    expect(r.current).toBeNull();
    expect(r.health).not.toBeNull();
    expect(r.logs).toHaveLength(1);
    expect(r.logs[0]!.message).toMatch(/^rule catalog lltp refused at seeding \(\d+ scenario\(s\) fail: /);
    expect(r.logs[0]!.fields).toMatchObject({ service: 'lltp', findings: [] });
    expect(r.audit.find((e) => e.service === 'lltp')).toMatchObject({
      action: 'seed_refused',
      outcome: 'refused',
      version: '2026.11.1',
    });
  });

  it('refuses a catalog service with lint errors the same way', async () => {
    const r = await seedFrom((dir) =>
      editRule(dir, 'lltp/rules/authority.json', 'E7-authority-police', (rule) => {
        rule.effective.from = '2025-03-04';
      }),
    );
    expect(r.seeded).toEqual(['health_record']);
    expect(r.current).toBeNull();
    expect(r.logs[0]!.message).toContain(
      '1 lint error(s): lltp/rules/authority.json E7-authority-police coverage_gap',
    );
    expect(r.audit.map((e) => [e.service, e.action])).toEqual([
      ['health_record', 'seed'],
      ['lltp', 'seed_refused'],
    ]);
  });
});

describe('publishing', () => {
  it('puts a draft in force when lint is clean and every scenario passes, and keeps its impact report', async () => {
    const files = withRule(
      serviceFiles('lltp'),
      '2026.12.0',
      'T3-amended-law',
      (r) => (r.event.params.days = 5),
    );
    const draft = await admin.upload('lltp', files, agency);
    expect(draft).toMatchObject({ status: 'draft', version: '2026.12.0', findings: [] });
    const published = await admin.publish('lltp', '2026.12.0', agency);
    expect(published.status).toBe('published');
    expect(await admin.versions.current('lltp')).toBe('2026.12.0');
    expect(published.impact).toMatchObject({ sample: 2000, changed: 0, from: { version: '2026.11.1' } });
    const last = (await admin.versions.auditLog({ service: 'lltp' })).at(-1);
    expect(last).toMatchObject({
      action: 'publish',
      actor: agency,
      version: '2026.12.0',
      hash: draft.hash,
      previous: { version: '2026.11.1' },
      outcome: 'ok',
    });
  });

  it('refuses a draft with lint errors, lists them, and leaves the version in force', async () => {
    const files = withRule(serviceFiles('lltp'), '2026.12.1', 'E4-online-identity-level', (r) => {
      (r as unknown as { conditions: { all: { path?: string }[] } }).conditions.all[1]!.path =
        '$.identityLevle';
    });
    const draft = await admin.upload('lltp', files, agency);
    expect(draft.findings).toMatchObject([{ code: 'unknown_path', rule: 'E4-online-identity-level' }]);
    const err = await admin.publish('lltp', '2026.12.1', agency).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishRefusedError);
    expect((err as PublishRefusedError).findings.map((f) => f.code)).toEqual(['unknown_path']);
    expect(await admin.versions.current('lltp')).toBe('2026.11.1');
    expect((await admin.versions.auditLog()).at(-1)).toMatchObject({
      action: 'publish_refused',
      outcome: 'refused',
    });
  });

  it('refuses a draft whose scenarios fail, naming them', async () => {
    const files = withRule(
      serviceFiles('lltp'),
      '2026.12.2',
      'F3-base-2025',
      (r) => (r.event.params.amount = 250000),
    );
    await admin.upload('lltp', files, agency);
    const err = (await admin
      .publish('lltp', '2026.12.2', agency)
      .catch((e: unknown) => e)) as PublishRefusedError;
    expect(err.code).toBe('HOSO_ERR_RULES_PUBLISH_REFUSED');
    expect(err.failures.length).toBeGreaterThan(10);
    expect(err.failures[0]!.failures.join()).toMatch(/fee total: expected \d+, got \d+/);
    expect(await admin.versions.current('lltp')).toBe('2026.11.1');
    expect((await admin.version('lltp', '2026.12.2')).tests?.failed).toBe(err.failures.length);
  });

  it('refuses a second upload of the same version, and an upload that is not the service', async () => {
    const files = withRule(serviceFiles('lltp'), '2026.11.1', 'T3-amended-law', () => {});
    await expect(admin.upload('lltp', files, agency)).rejects.toMatchObject({
      code: 'HOSO_ERR_RULES_VERSION_EXISTS',
    });
    await expect(admin.upload('health_record', serviceFiles('lltp'), agency)).rejects.toMatchObject({
      code: 'HOSO_ERR_RULES_DRAFT_INVALID',
    });
    await expect(admin.upload('lltp', { 'notes.txt': 'x' }, agency)).rejects.toMatchObject({
      code: 'HOSO_ERR_RULES_DRAFT_INVALID',
    });
  });

  it('rolls back to the version before, and refuses when there is none', async () => {
    await expect(admin.rollback('lltp', agency)).rejects.toMatchObject({
      code: 'HOSO_ERR_RULES_NOTHING_TO_ROLL_BACK',
    });
    const files = withRule(serviceFiles('lltp'), '2026.12.3', 'T3-amended-law', () => {});
    await admin.upload('lltp', files, agency);
    await admin.publish('lltp', '2026.12.3', agency);
    const back = await admin.rollback('lltp', agency);
    expect(back.version).toBe('2026.11.1');
    expect(await admin.versions.current('lltp')).toBe('2026.11.1');
    const history = await admin.history('lltp');
    expect(history.map((h) => [h.version, h.status, h.inForce])).toEqual([
      ['2026.11.1', 'published', true],
      ['2026.12.3', 'published', false],
    ]);
    expect((await admin.versions.auditLog()).at(-1)).toMatchObject({
      action: 'rollback',
      previous: { version: '2026.12.3' },
    });
  });

  it('lets only one change to a service happen at a time', async () => {
    const files = withRule(serviceFiles('lltp'), '2026.12.4', 'T3-amended-law', () => {});
    await admin.upload('lltp', files, agency);
    const results = await Promise.allSettled([
      admin.publish('lltp', '2026.12.4', agency),
      admin.publish('lltp', '2026.12.4', agency),
    ]);
    const codes = results
      .map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as RulesError).code))
      .sort();
    expect(codes[1]).toBe('ok');
    expect(['HOSO_ERR_RULES_BUSY', 'HOSO_ERR_RULES_ALREADY_IN_FORCE']).toContain(codes[0]);
  });
});
