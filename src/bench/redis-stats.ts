import type { Redis } from 'ioredis';

/** What a Redis server has done so far: commands, bytes over the wire, CPU. Subtract two to get a window's. */
export interface RedisCounters {
  commands: number;
  /** Calls by command name (lower case). */
  byCommand: Map<string, number>;
  bytesIn: number;
  bytesOut: number;
  cpuMs: number;
}

function fields(info: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of info.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return map;
}

export async function redisCounters(redis: Redis): Promise<RedisCounters> {
  const stats = fields(await redis.info('stats'));
  const cpu = fields(await redis.info('cpu'));
  let commands = 0;
  const byCommand = new Map<string, number>();
  for (const [name, value] of fields(await redis.info('commandstats'))) {
    // The bench's own questions are not the servers' work.
    if (name === 'cmdstat_info') continue;
    const calls = Number(/calls=(\d+)/.exec(value)?.[1] ?? 0);
    commands += calls;
    byCommand.set(name.replace(/^cmdstat_/, ''), calls);
  }
  return {
    commands,
    byCommand,
    bytesIn: Number(stats.get('total_net_input_bytes') ?? 0),
    bytesOut: Number(stats.get('total_net_output_bytes') ?? 0),
    cpuMs: (Number(cpu.get('used_cpu_user') ?? 0) + Number(cpu.get('used_cpu_sys') ?? 0)) * 1000,
  };
}

export function counterDelta(after: RedisCounters, before: RedisCounters): RedisCounters {
  const byCommand = new Map<string, number>();
  for (const [name, calls] of after.byCommand) {
    const delta = calls - (before.byCommand.get(name) ?? 0);
    if (delta > 0) byCommand.set(name, delta);
  }
  return {
    commands: after.commands - before.commands,
    byCommand,
    bytesIn: after.bytesIn - before.bytesIn,
    bytesOut: after.bytesOut - before.bytesOut,
    cpuMs: after.cpuMs - before.cpuMs,
  };
}

/** Every key under `prefix` with what Redis spends on it (MEMORY USAGE counts the key, value and overhead). */
export async function keyMemory(redis: Redis, prefix: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      // SAMPLES 0: every element of a collection is measured, not an estimate from a few.
      const bytes = await redis.memory('USAGE', key, 'SAMPLES', 0);
      if (bytes !== null) sizes.set(key, Number(bytes));
    }
  } while (cursor !== '0');
  return sizes;
}
