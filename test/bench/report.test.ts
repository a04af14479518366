import { describe, expect, it } from 'vitest';
import { nodeFlagsOf } from '../../src/bench/child.ts';
import { footprint } from '../../src/bench/memory.ts';
import { createBenchOutput, summaryLines } from '../../src/bench/report.ts';

describe('what the bench prints', () => {
  it('prints every figure with its target and MISS in capitals when missed, and lists misses first at the end', () => {
    const lines: string[] = [];
    const out = createBenchOutput((l) => lines.push(l), { quick: false });
    out.section = 'skeleton';
    out.figure('turn p99', '4.20 ms', '≤ 10 ms', true);
    out.figure('CPU per turn, Hoso ÷ floor', '1.52×', '≤ 1.3×', false);
    expect(lines).toEqual([
      '  turn p99: 4.20 ms — target ≤ 10 ms: OK',
      '  CPU per turn, Hoso ÷ floor: 1.52× — target ≤ 1.3×: MISS',
    ]);
    const summary = summaryLines(out.figures);
    expect(summary[0]).toBe('2 figures with a target: 1 OK, 1 MISS');
    expect(summary[1]).toMatch(/^ {2}MISS {2}skeleton: CPU per turn, Hoso ÷ floor +1\.52× +target ≤ 1\.3×$/);
    expect(summary[2]).toMatch(/^ {2}OK {4}skeleton: turn p99/);
  });

  it('runs the servers with the node flags of the shipped start command', () => {
    expect(nodeFlagsOf('node --max-old-space-size=128 --max-semi-space-size=8 bin/hoso.js serve')).toEqual([
      '--max-old-space-size=128',
      '--max-semi-space-size=8',
    ]);
    expect(nodeFlagsOf('node bin/hoso.js serve')).toEqual([]);
  });
});

describe("a conversation's Redis footprint", () => {
  it('counts the keys named after each conversation and shares out what grew elsewhere', () => {
    const before = new Map([
      ['bench:dedupe', 1000],
      ['bench:bull:meta', 500],
    ]);
    const after = new Map([
      ['bench:session:webchat:abc', 700],
      ['bench:session:webchat:xyz', 900],
      ['bench:dedupe', 1400],
      ['bench:dedupe:telegram:17', 60],
      ['bench:dedupe:telegram:18', 60],
      ['bench:bull:meta', 500],
    ]);
    const f = footprint(before, after, ['abc', 'xyz']);
    // (700 + 900) / 2 of their own, plus (1400 - 1000 + 60 + 60) / 2 of what grew elsewhere.
    expect(f.perConversation).toBe(1060);
    expect(f.shapes.get('bench:session:webchat:<id>')).toBe(800);
    expect(f.shapes.get('bench:dedupe (growth, shared)')).toBe(200);
    expect(f.shapes.get('bench:dedupe:telegram:<n> (growth, shared)')).toBe(60);
  });
});
