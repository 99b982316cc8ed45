#!/usr/bin/env node
// Runs every compiled spec (`dist/**/*.spec.js`) of every workspace with Node's test runner.
// Specs are compiled by `tsc -b` first (npm test does that), so tests run the code that ships,
// with real decorator metadata. Pass file-name filters as arguments: `npm test -- enrollment`.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['libs', 'apps'].flatMap((top) => readdirSync(top).map((d) => join(top, d, 'dist')));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = [];
function walk(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.spec.js')) files.push(path);
  }
}
roots.forEach(walk);
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error('no spec files found for', filters.join(' ') || '(all)');
  process.exit(1);
}
console.log(`running ${selected.length} spec files:\n  ${selected.map((f) => relative('.', f)).join('\n  ')}`);
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  // --test-force-exit: a spec file whose children outlive it must not hang the run (and CI);
  // --test-timeout bounds any single test or hook.
  ['--test', `--test-concurrency=${concurrency}`, '--test-force-exit', '--test-timeout=300000', '--test-reporter=spec', ...selected],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
