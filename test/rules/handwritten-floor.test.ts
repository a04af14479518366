import { describe, expect, it } from 'vitest';
import { makeHandwrittenLltp } from '../../src/bench/lltp-handwritten.ts';
import { loadCatalog } from '../../src/rules/catalog.ts';
import { sampler } from '../../src/rules/sample.ts';
import { REPO_RULES } from './fixtures.ts';

const lltp = (await loadCatalog(REPO_RULES)).get('lltp');
const hand = makeHandwrittenLltp(lltp.compiled.service.messages, lltp.ruleSet);

function outcome(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    return { error: (err as { code?: string }).code };
  }
}

describe('the hand-written LLTP function the bench measures against', () => {
  it('decides every stored scenario exactly as the catalog does', () => {
    for (const { scenario } of lltp.compiled.parsed.scenarios) {
      expect(hand(scenario.facts), scenario.id).toEqual(lltp.decideSync(scenario.facts));
    }
  });

  it('decides 20,000 sampled requests from 2017 to 2027 exactly as the catalog does, in both languages', () => {
    const onDecl = lltp.compiled.service.facts.find((f) => f.name === 'on')!;
    const wide = {
      ...lltp.compiled.service,
      facts: lltp.compiled.service.facts.map((f) =>
        f === onDecl ? { ...f, sample: { dateRange: ['2017-01-01', '2027-12-31'] as [string, string] } } : f,
      ),
    };
    const next = sampler(wide, { seed: 11 });
    for (let i = 0; i < 20_000; i++) {
      const facts = next();
      const lang = i % 2 ? 'en' : 'vi';
      const ours = outcome(() => lltp.decideSync(facts, { lang }));
      const theirs = outcome(() => hand(facts, lang));
      if (JSON.stringify(ours) !== JSON.stringify(theirs))
        expect(theirs, JSON.stringify(facts)).toEqual(ours);
    }
  });
});
