import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startThrowawayRedis, type ThrowawayRedis } from '../../src/dev/throwaway-redis.ts';
import { createDevKeys } from '../../src/extracts/signing/dev-keys.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** A development CA and signer made once for the run (generating them takes a second or two). */
    devKeysDir: string;
  }
}

let redis: ThrowawayRedis | undefined;
let keysDir: string | undefined;

/** Tests own their Redis: a throwaway server on a free port, unless REDIS_URL names one. */
export async function setup(project: TestProject): Promise<void> {
  keysDir = mkdtempSync(join(tmpdir(), 'hoso-test-keys-'));
  await createDevKeys(keysDir);
  project.provide('devKeysDir', keysDir);
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return;
  }
  redis = await startThrowawayRedis();
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
  if (keysDir) rmSync(keysDir, { recursive: true, force: true });
}

export { freePort } from '../../src/dev/throwaway-redis.ts';
