/**
 * `npm run bench [-- --only NAME] [-- <args passed to each benchmark>]`: runs every `<workspace>/bench/*.bench.ts`
 * one after another (never in parallel: they measure one core each) and prints each one's output, then a short
 * chain benchmark (`bench/chain.ts`: 1,000 participants, 30 s, aedes and Mosquitto side by side).
 * `npm run bench -- chain [chain flags]` runs only the chain benchmark with its own flags (see bench/README.md).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const chainScript = path.join(root, 'bench', 'chain.ts');
if (args[0] === 'chain') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', chainScript, ...args.slice(1)], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
const passThrough = onlyAt >= 0 ? args.filter((_, i) => i !== onlyAt && i !== onlyAt + 1) : args;

const files: string[] = [];
for (const ws of readdirSync(root, { withFileTypes: true })) {
  if (!ws.isDirectory() || ws.name.startsWith('.') || ws.name === 'node_modules') continue;
  const dir = path.join(root, ws.name, 'bench');
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    continue;
  }
  for (const f of entries.sort()) {
    if (f.endsWith('.bench.ts') && (!only || f.includes(only))) files.push(path.join(dir, f));
  }
}
const withChain = !only || 'chain'.includes(only);
if (files.length === 0 && !withChain) {
  process.stderr.write(`no benchmark matched${only ? ` "${only}"` : ''}\n`);
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n== ${path.relative(root, f)}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', f, ...passThrough], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
if (withChain) {
  process.stdout.write('\n== bench/chain.ts (short default run)\n');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      chainScript,
      '--participants',
      '1000',
      '--seconds',
      '30',
      '--broker',
      'both',
      '--name',
      'default',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
