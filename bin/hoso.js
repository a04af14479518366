#!/usr/bin/env node
// Runs the compiled build (`npm run build`, dist/) when it is current: no TypeScript loader at run time, so a
// command starts in a fraction of a second. A checkout whose sources changed since runs them through tsx, so
// a stale build never runs.
import { buildIsCurrent } from '../scripts/build-state.mjs';

if (buildIsCurrent()) {
  await import('../dist/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
