// Runs the journeys one file at a time (each starts its own server and
// Chromium) with the test runner of Node.js 18, as Debian 12 ships it: that
// Node.js has no --test-concurrency flag, but its run() takes a concurrency.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const dir = fileURLToPath(new URL('journeys', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.test.mjs'))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.includes(w)))
  .sort()
  .map((name) => path.join(dir, name));
if (files.length === 0) {
  console.error(`no journey matches ${wanted.join(' ')}`);
  process.exit(1);
}

run({ files, concurrency: 1 })
  .on('test:fail', () => {
    process.exitCode = 1;
  })
  .compose(typeof spec === 'function' && spec.prototype ? new spec() : spec)
  .pipe(process.stdout);
