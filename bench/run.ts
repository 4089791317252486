// Runs one benchmark by name, or lists them with what each measures and how to call it.
//   npm run bench                       → the list
//   npm run bench -- exchange --fractions 0.25,0.5
// The servers and helpers in bench/ (bare-server, fastify-server, forward-server, open-loop) are
// parts of the exchange benchmark, not benchmarks of their own.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const DIR = new URL('.', import.meta.url).pathname;
const PARTS = new Set(['run', 'bare-server', 'fastify-server', 'forward-server', 'open-loop']);
const benches = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .filter((name) => !PARTS.has(name))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  console.log('npm run bench -- <name> [options]   (figures and how to read them: docs/PERFORMANCE.md)\n');
  for (const b of benches) {
    // each benchmark's opening comment says what it measures and how it is called
    const comment = readFileSync(join(DIR, `${b}.ts`), 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(0, 4).map((l) => l.replace(/^\/\/ ?/, ''));
    console.log(`${b}\n${comment.map((l) => `    ${l}`).join('\n')}\n`);
  }
  process.exit(0);
}
if (!benches.includes(name)) {
  console.error(`no benchmark "${name}"; there are: ${benches.join(', ')}`);
  process.exit(2);
}
const child = spawn(process.execPath, ['--import', 'tsx', join(DIR, `${name}.ts`), ...args], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
