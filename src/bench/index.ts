import type { CommandIo } from '../cli.ts';

/** `npm run bench`: every section prints its own figures. */
export async function runBenchmarks(_args: string[], io: CommandIo): Promise<number> {
  io.stdout('no benchmark sections yet');
  return 0;
}
