import type { TestProject } from 'vitest/node';
import { startThrowawayRedis, type ThrowawayRedis } from '../../src/dev/throwaway-redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let redis: ThrowawayRedis | undefined;

/** Tests own their Redis: a throwaway server on a free port, unless REDIS_URL names one. */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return;
  }
  redis = await startThrowawayRedis();
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}

export { freePort } from '../../src/dev/throwaway-redis.ts';
