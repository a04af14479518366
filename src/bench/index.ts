import { availableParallelism, loadavg } from 'node:os';
import type { CommandIo } from '../cli.ts';
import { type BenchOutput, createBenchOutput, summaryLines } from './report.ts';

type Section = (out: BenchOutput) => Promise<void>;

/** Each section is loaded only when run; `npm run bench -- <section>…` runs a subset. */
const SECTIONS: Record<string, () => Promise<Section>> = {
  skeleton: async () => (await import('./skeleton.ts')).runSkeletonBench,
  memory: async () => (await import('./memory.ts')).runMemoryBench,
  records: async () => (await import('./records.ts')).runRecordsBench,
  nlu: async () => (await import('./nlu.ts')).runNluBench,
  rules: async () => (await import('./rules.ts')).runRulesBench,
  extracts: async () => (await import('./extracts.ts')).runExtractsBench,
  journey: async () => (await import('./journey.ts')).runJourneyBench,
  zalo: async () => (await import('./zalo.ts')).runZaloBench,
};

export async function runBenchmarks(args: string[], io: CommandIo): Promise<number> {
  const quick = args.includes('--quick');
  const names = args.filter((a) => a !== '--quick');
  const wanted = names.length > 0 ? names : Object.keys(SECTIONS);
  const unknown = wanted.filter((name) => !SECTIONS[name]);
  if (unknown.length > 0) {
    io.stderr(
      `Unknown benchmark section: ${unknown.join(', ')}. Sections: ${Object.keys(SECTIONS).join(', ')}; --quick for shorter runs`,
    );
    return 2;
  }
  const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
  io.stdout(
    `Hoso benchmarks — node ${process.version}, ${new Date().toISOString()}${quick ? ', QUICK mode (shorter windows, noisier figures)' : ''}`,
  );
  io.stdout(
    `Machine: ${load()} at start. Figures taken on a machine others are using are noisy: read ratios and medians, and run again before believing one MISS or one OK.`,
  );
  const out = createBenchOutput(io.stdout, { quick });
  const started = performance.now();
  let crashed = 0;
  for (const name of wanted) {
    const sectionStart = performance.now();
    io.stdout(`\n== ${name}`);
    out.section = name;
    try {
      const run = await SECTIONS[name]!();
      await run(out);
    } catch (error) {
      crashed++;
      out.figure('section ran to the end', `failed: ${(error as Error).message}`, 'no failure', false);
    }
    io.stdout(`  (${name}: ${((performance.now() - sectionStart) / 1000).toFixed(0)} s, ${load()})`);
  }
  io.stdout(`\n== summary (${((performance.now() - started) / 1000).toFixed(0)} s in all, ${load()} now)`);
  for (const line of summaryLines(out.figures)) io.stdout(line);
  return crashed > 0 ? 1 : 0;
}
