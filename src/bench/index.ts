import type { CommandIo } from '../cli.ts';

type Section = (print: (line: string) => void) => Promise<void>;

/** Each section is loaded only when run; `npm run bench -- <section>…` runs a subset. */
const SECTIONS: Record<string, () => Promise<Section>> = {
  skeleton: async () => (await import('./skeleton.ts')).runSkeletonBench,
  nlu: async () => (await import('./nlu.ts')).runNluBench,
  rules: async () => (await import('./rules.ts')).runRulesBench,
  extracts: async () => (await import('./extracts.ts')).runExtractsBench,
  journey: async () => (await import('./journey.ts')).runJourneyBench,
  zalo: async () => (await import('./zalo.ts')).runZaloBench,
};

export async function runBenchmarks(args: string[], io: CommandIo): Promise<number> {
  const wanted = args.length > 0 ? args : Object.keys(SECTIONS);
  const unknown = wanted.filter((name) => !SECTIONS[name]);
  if (unknown.length > 0) {
    io.stderr(
      `Unknown benchmark section: ${unknown.join(', ')}. Sections: ${Object.keys(SECTIONS).join(', ')}`,
    );
    return 2;
  }
  io.stdout(`Hoso benchmarks — node ${process.version}, ${new Date().toISOString()}`);
  for (const name of wanted) {
    io.stdout(`\n== ${name}`);
    const run = await SECTIONS[name]!();
    await run(io.stdout);
  }
  return 0;
}
