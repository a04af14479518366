import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The suite is I/O-bound against one throwaway Redis; two workers match the CI machine's two cores.
    maxWorkers: 2,
    // Test files share each worker's module cache instead of importing the whole app again for every file
    // (about half the suite's time). Every test builds its own app, store and database, so no state is shared.
    isolate: false,
    // .ci/run asks for a JSON report to print its own "N passed, N failed" line.
    reporters: process.env.HOSO_TEST_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.HOSO_TEST_REPORT ? { json: process.env.HOSO_TEST_REPORT } : undefined,
    env: { LOG_LEVEL: 'silent', NODE_ENV: 'test' },
  },
});
