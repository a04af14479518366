import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.ts';
import { RulesAdmin } from '../../src/rules/publish.ts';
import { RuleRegistry } from '../../src/rules/registry.ts';
import { RuleVersionStore } from '../../src/rules/versions.ts';
import { RedisStore } from '../../src/store/redis.ts';
import { testRedisStore } from '../support/redis.ts';
import { REPO_RULES, serviceFiles, withRule } from './fixtures.ts';

const agency = { name: 'moj', role: 'agency' };
const facts = {
  on: '2027-02-01',
  channel: 'online',
  requester: { dateOfBirth: '1990-05-05', identityLevel: 2 },
};

let redis: ReturnType<typeof testRedisStore>;
let other: RedisStore;
let admin: RulesAdmin;
let registries: RuleRegistry[];

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(async () => {
  redis = testRedisStore();
  // A second connection on the same keys: another process of the same deployment.
  other = new RedisStore({ url: redis.url, prefix: redis.prefix });
  admin = new RulesAdmin({ versions: new RuleVersionStore(redis.store), impactSample: 500 });
  await admin.seed(REPO_RULES);
  registries = [];
});
afterEach(async () => {
  for (const r of registries) await r.close();
  await other.close();
  await redis.cleanup();
});

async function registryOn(store: RedisStore | typeof redis.store): Promise<RuleRegistry> {
  const r = new RuleRegistry({ versions: new RuleVersionStore(store), pollMs: 0 });
  await r.start();
  registries.push(r);
  return r;
}

/** An online fee of 150,000 ₫ from 2027: a rule change every process must pick up (no stored scenario objects). */
async function publishCheaperOnline(version: string): Promise<void> {
  const files = structuredClone(serviceFiles('lltp')) as Record<
    string,
    { version?: string; rules?: { id: string }[] }
  >;
  files['service.json']!.version = version;
  const fees = files['rules/fees.json']!.rules!;
  const discount = structuredClone(fees.find((r) => r.id === 'F3-online-discount-standard')!) as Record<
    string,
    unknown
  >;
  fees.push({
    ...discount,
    id: 'F3-online-discount-2027',
    effective: { from: '2027-01-01' },
    event: { type: 'fee', params: { code: 'online_discount', amount: -50000 } },
  } as { id: string });
  // The gate wants the new rule seen firing in a scenario.
  (files['scenarios/fees-2027.json'] as unknown) = {
    scenarios: [
      {
        id: 'online-2027-cheaper',
        description: 'Online from 2027 the fee is 150,000 ₫',
        facts,
        expect: { fee: { total: 150000 } },
      },
    ],
  };
  await admin.upload('lltp', files, agency);
  await admin.publish('lltp', version, agency);
}

describe('RuleRegistry', () => {
  it('serves the versions in force from the store', async () => {
    const registry = await registryOn(redis.store);
    expect(
      registry
        .services()
        .map((s) => s.id)
        .sort(),
    ).toEqual(['health_record', 'lltp']);
    expect(registry.get('lltp').ruleSet.version).toBe('2026.11.2');
    expect(() => registry.get('passport')).toThrow(
      expect.objectContaining({ code: 'HOSO_ERR_RULES_UNKNOWN_SERVICE' }),
    );
  });

  it('swaps in a published version in every process without restart', async () => {
    const here = await registryOn(redis.store);
    const there = await registryOn(other);
    expect(there.get('lltp').decideSync(facts).fee.total).toBe(200000);
    await publishCheaperOnline('2026.12.0');
    await eventually(
      () =>
        here.get('lltp').ruleSet.version === '2026.12.0' && there.get('lltp').ruleSet.version === '2026.12.0',
    );
    expect(there.get('lltp').decideSync(facts).fee.total).toBe(150000);
  });

  it('lets a decision or conversation that started on a version finish on it', async () => {
    const registry = await registryOn(other);
    const started = registry.get('lltp');
    await publishCheaperOnline('2026.12.1');
    await eventually(() => registry.get('lltp').ruleSet.version === '2026.12.1');
    expect(started.decideSync(facts).fee.total).toBe(200000);
    const pinned = await registry.at('lltp', started.ruleSet.version);
    expect(pinned.decideSync(facts)).toMatchObject({
      fee: { total: 200000 },
      ruleSet: { version: '2026.11.2' },
    });
    expect(registry.get('lltp').decideSync(facts)).toMatchObject({
      fee: { total: 150000 },
      ruleSet: { version: '2026.12.1' },
    });
    await expect(registry.at('lltp', '1999.1')).rejects.toMatchObject({
      code: 'HOSO_ERR_RULES_UNKNOWN_VERSION',
    });
  });

  it('keeps serving the version in force when an announced version cannot be loaded', async () => {
    const registry = await registryOn(other);
    const versions = new RuleVersionStore(redis.store);
    const broken = withRule(serviceFiles('lltp'), '2026.12.9', 'E4-online-identity-level', (r) => {
      (r as unknown as { conditions: unknown }).conditions = {
        all: [{ fact: 'nope', operator: 'equal', value: 1 }],
      };
    });
    await admin.upload('lltp', broken, agency);
    // Bypass the gate, as a corrupted store would: the process must not take it.
    await versions.setCurrent('lltp', '2026.12.9');
    await versions.announce('lltp', '2026.12.9', 'sha256:x');
    await new Promise((r) => setTimeout(r, 200));
    await registry.refresh();
    expect(registry.get('lltp').ruleSet.version).toBe('2026.11.2');
  });

  it('catches up by re-reading when an announcement was missed', async () => {
    const registry = await registryOn(other);
    const versions = new RuleVersionStore(redis.store);
    await publishCheaperOnline('2026.12.2');
    await eventually(() => registry.get('lltp').ruleSet.version === '2026.12.2');
    await versions.setCurrent('lltp', '2026.11.2');
    expect(registry.get('lltp').ruleSet.version).toBe('2026.12.2');
    await registry.refresh();
    expect(registry.get('lltp').ruleSet.version).toBe('2026.11.2');
  });
});

describe('a rule registry whose store stops answering', () => {
  it('keeps the rules in force, says so, and picks up changes once the store is back', async () => {
    const warnings: string[] = [];
    const versions = new RuleVersionStore(other);
    let down = false;
    const flaky = Object.create(versions) as RuleVersionStore;
    flaky.services = () => (down ? Promise.reject(new Error('connection lost')) : versions.services());
    const r = new RuleRegistry({
      versions: flaky,
      pollMs: 10,
      log: {
        info() {},
        error() {},
        warn: ((...args: unknown[]) => void warnings.push(String(args[1]))) as Logger['warn'],
      },
    });
    await r.start();
    registries.push(r);
    const before = r.get('lltp').ruleSet.version;
    down = true;
    // Polls fail while the store is away: no unhandled rejection ends the process, the rules stay.
    await eventually(() => warnings.length >= 2, 10_000);
    expect(warnings[0]).toContain('keeping the current ones');
    expect(r.get('lltp').ruleSet.version).toBe(before);
    down = false;
    await publishCheaperOnline('2027.1.1');
    await eventually(() => r.get('lltp').ruleSet.version === '2027.1.1', 10_000);
  });
});
