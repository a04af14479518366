// `npm run build`: compiles src/ to JavaScript in dist/ (tsc, tsconfig.build.json) and copies what the code
// reads beside itself (web pages, bundled data), so that `hoso` starts without a TypeScript loader.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent } from './build-state.mjs';

// `--if-stale` (npm's prestart): nothing to do when dist/ is newer than every source.
if (process.argv.includes('--if-stale') && buildIsCurrent()) process.exit(0);
const root = fileURLToPath(new URL('../', import.meta.url));
const dist = `${root}dist/`;
rmSync(dist, { recursive: true, force: true });
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit', cwd: root });
for (const dir of ['web', 'support/data']) {
  cpSync(`${root}src/${dir}`, `${dist}${dir}`, { recursive: true });
}
// bin/hoso.js runs dist/ only when it is newer than every source file (this stamp), never a stale build.
writeFileSync(`${dist}.built`, new Date().toISOString());
