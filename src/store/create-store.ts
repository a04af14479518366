import { MemoryStore } from './memory.ts';
import { RedisStore } from './redis.ts';
import type { KeyValueStore } from './types.ts';

/** The one place that picks the store: Redis when a URL is configured, memory otherwise. */
export function createStore(options: {
  redisUrl?: string;
  prefix: string;
  onError?: (err: Error) => void;
}): KeyValueStore {
  return options.redisUrl
    ? new RedisStore({
        url: options.redisUrl,
        prefix: options.prefix,
        ...(options.onError ? { onError: options.onError } : {}),
      })
    : new MemoryStore();
}
