import { describe, expect, it } from 'vitest';
import { offeredPercentile, openLoop, pooled } from '../../src/bench/load.ts';

describe('the open-loop load generator', () => {
  it('keeps offering requests on schedule while an earlier one hangs, and times that one from when it was due', async () => {
    let releaseFirst: () => void = () => undefined;
    const sentWhileFirstHung: number[] = [];
    let firstAnswered = false;
    const result = await openLoop({
      rate: 100,
      seconds: 0.1,
      send: (i) => {
        if (!firstAnswered) sentWhileFirstHung.push(i);
        if (i === 0) return new Promise<void>((resolve) => (releaseFirst = resolve));
        if (i === 9) {
          firstAnswered = true;
          releaseFirst();
        }
        return Promise.resolve();
      },
    });
    expect(sentWhileFirstHung).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(result.offered).toBe(10);
    expect(result.failed).toBe(0);
    // Request 0 was answered only once request 9 was due, 90 ms later.
    expect(result.latencies.at(-1)).toBeGreaterThanOrEqual(80);
  });

  it('counts a failed request with what it said, instead of leaving it out', async () => {
    const result = await openLoop({
      rate: 1000,
      seconds: 0.01,
      send: async (i) => {
        if (i === 3) throw new Error('HTTP 500');
      },
    });
    expect(result.offered).toBe(10);
    expect(result.latencies).toHaveLength(9);
    expect(result.failed).toBe(1);
    expect(result.firstError).toBe('HTTP 500');
  });
});

describe('percentiles over every offered request', () => {
  const answered = Array.from({ length: 99 }, (_, i) => i + 1);

  it('puts a failed request above every answered one: 2 failures in 100 make the p99 infinite', () => {
    expect(offeredPercentile({ latencies: answered.slice(0, 98), failed: 2 }, 99)).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(offeredPercentile({ latencies: answered.slice(0, 98), failed: 2 }, 50)).toBe(50);
  });

  it('reads the p99 from the answers when none failed', () => {
    expect(offeredPercentile({ latencies: [...answered, 100], failed: 0 }, 99)).toBe(99);
  });

  it('pools windows so a bad window cannot hide behind good ones', () => {
    const good = { offered: 50, latencies: answered.slice(0, 50), failed: 0, seconds: 1 };
    const bad = {
      offered: 50,
      latencies: answered.slice(0, 48),
      failed: 2,
      firstError: 'timeout',
      seconds: 1,
    };
    const all = pooled([good, bad]);
    expect(all.offered).toBe(100);
    expect(all.failed).toBe(2);
    expect(all.firstError).toBe('timeout');
    expect(offeredPercentile(all, 99)).toBe(Number.POSITIVE_INFINITY);
  });
});
