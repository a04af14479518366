// The fake Bot API lives in src/dev so that the benchmark (src/bench) can use it without importing test/.
export * from '../../src/dev/fake-telegram.ts';
