import { performance } from 'node:perf_hooks';
import { compileMatcher } from '../dialogue/nlu/matcher.ts';
import { PHRASES } from '../dialogue/nlu/phrases.ts';
import { understand } from '../dialogue/nlu/understand.ts';
import type { BenchOutput } from './report.ts';

const MIN_CALLS = 200_000;

/** Throughput and latency of `understand` over the test phrase table (one core, sequential calls). */
export async function runNluBench(out: BenchOutput): Promise<void> {
  const print = out.print;
  const texts = PHRASES.map((p) => p.text);

  const buildStart = performance.now();
  compileMatcher();
  print(`nlu: matcher built in ${(performance.now() - buildStart).toFixed(1)} ms`);

  // Warm-up lets the JIT settle before measuring.
  for (let i = 0; i < 20_000; i++) understand(texts[i % texts.length]!);

  const rounds = Math.ceil(MIN_CALLS / texts.length);
  const calls = rounds * texts.length;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const text of texts) understand(text);
  const elapsedMs = performance.now() - start;
  print(
    `nlu: ${calls} messages in ${elapsedMs.toFixed(0)} ms: ` +
      `${Math.round((calls / elapsedMs) * 1000).toLocaleString('en-US')} messages/s, ` +
      `${((elapsedMs * 1000) / calls).toFixed(2)} µs per call`,
  );

  // Per-call latencies, to show the slowest messages are also far below 0.1 ms.
  const samples: number[] = [];
  for (let r = 0; r < 20; r++) {
    for (const text of texts) {
      const t0 = performance.now();
      understand(text);
      samples.push((performance.now() - t0) * 1000);
    }
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): string =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(1);
  print(`nlu: latency µs p50 ${at(0.5)}, p99 ${at(0.99)}, max ${at(1)} (${samples.length} timed calls)`);
}
