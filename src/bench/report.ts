/** A figure the bench holds to a target: printed where it is measured and again in the closing summary. */
export interface Figure {
  section: string;
  name: string;
  /** The measured value, as printed ("1.42×", "12.3 ms"). */
  value: string;
  /** The target, as printed ("≤ 1.3×"). */
  target: string;
  met: boolean;
}

/** What a bench section gets: somewhere to print, somewhere to report a figure, and how long to run. */
export interface BenchOutput {
  /** `npm run bench -- --quick`: shorter windows and fewer runs, for a first look; the figures are noisier. */
  readonly quick: boolean;
  print(line: string): void;
  /** Prints `name: value — target …: OK`, or `MISS` in capitals, and keeps the figure for the summary. */
  figure(name: string, value: string, target: string, met: boolean): void;
}

export const verdict = (met: boolean): string => (met ? 'OK' : 'MISS');

export function createBenchOutput(
  print: (line: string) => void,
  options: { quick: boolean },
): BenchOutput & { section: string; figures: Figure[] } {
  const out = {
    quick: options.quick,
    section: '',
    figures: [] as Figure[],
    print,
    figure(name: string, value: string, target: string, met: boolean) {
      out.figures.push({ section: out.section, name, value, target, met });
      print(`  ${name}: ${value} — target ${target}: ${verdict(met)}`);
    },
  };
  return out;
}

/** The closing table: every figure with its target, misses first so none scrolls out of sight. */
export function summaryLines(figures: readonly Figure[]): string[] {
  const missed = figures.filter((f) => !f.met).length;
  const lines = [`${figures.length} figures with a target: ${figures.length - missed} OK, ${missed} MISS`];
  const ordered = [...figures.filter((f) => !f.met), ...figures.filter((f) => f.met)];
  const nameWidth = Math.max(0, ...ordered.map((f) => f.section.length + f.name.length + 2));
  const valueWidth = Math.max(0, ...ordered.map((f) => f.value.length));
  for (const f of ordered) {
    lines.push(
      `  ${verdict(f.met).padEnd(4)}  ${`${f.section}: ${f.name}`.padEnd(nameWidth)}  ${f.value.padEnd(valueWidth)}  target ${f.target}`,
    );
  }
  return lines;
}

/** Milliseconds with sensible precision. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞ ms' : 'n/a';
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`;
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(2)} KB`;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
