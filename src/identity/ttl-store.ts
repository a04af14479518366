/**
 * The little storage the OTP and rate-limit primitives need: get, set with a TTL, a counter whose TTL starts
 * with its first increment, and delete.
 *
 * The project's `KeyValueStore` (src/store/types.ts) satisfies it as is; results of `set`/`del` are ignored.
 *
 * Keys passed here never contain a raw ID, phone number or code: callers hash them first.
 */
export interface TtlStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { ttlMs: number }): Promise<unknown>;
  /** Adds one and returns the new count. The TTL is set only when the key is created, so windows are fixed. */
  incr(key: string, options: { ttlMs: number }): Promise<number>;
  del(key: string): Promise<unknown>;
}
