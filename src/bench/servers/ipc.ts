/** Child servers of the benchmark answer the parent's questions about their own CPU and memory. */
export function answerResourceQueries(): void {
  process.on('message', (message: unknown) => {
    if (message === 'usage') {
      const memory = process.memoryUsage();
      process.send?.({ cpu: process.cpuUsage(), rss: memory.rss, heapUsed: memory.heapUsed });
    }
    if (message === 'stop') process.exit(0);
  });
}

export interface ServerSettings {
  port: number;
  redisUrl: string;
  apiRoot: string;
  token: string;
  secret: string;
  /** More configuration for the server (the journey section shortens the simulated agency's delays). */
  env?: Record<string, string>;
}

export function settingsFromEnv(): ServerSettings {
  const s = JSON.parse(process.env.HOSO_BENCH_SERVER ?? '{}') as ServerSettings;
  return s;
}
