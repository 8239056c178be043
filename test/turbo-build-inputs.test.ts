import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

// Turbo restores a package's dist from its cache when the hash of the build's inputs is unchanged: a file
// the build reads but the inputs leave out would leave a stale dist. Checked on a copy of the repository.
const ROOT = join(__dirname, '..');
const TURBO = join(ROOT, 'node_modules', '.bin', 'turbo');
let copy: string;

function buildHashes(): Map<string, string> {
  const out = execFileSync(TURBO, ['run', 'build', '--dry=json', '--filter=@modelsight/drift'], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
  const plan = JSON.parse(out) as { tasks: { taskId: string; hash: string }[] };
  return new Map(plan.tasks.map((task) => [task.taskId, task.hash]));
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'modelsight-turbo-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files.filter((name) => name !== '')) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(copy, file));
  }
  // Turbo finds itself and the package manager through node_modules; nothing there is an input.
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

test.each([
  ['packages/drift/tsup.config.ts', ['@modelsight/drift#build']],
  ['packages/drift/tsconfig.json', ['@modelsight/drift#build']],
  ['tsup.config.base.ts', ['@modelsight/drift#build', '@modelsight/internal#build']],
  ['tsconfig.base.json', ['@modelsight/drift#build', '@modelsight/internal#build']],
  ['packages/internal/src/env-reader.ts', ['@modelsight/drift#build', '@modelsight/internal#build']],
])('a change to %s changes the build hash of %j', (file, changed) => {
  const before = buildHashes();
  appendFileSync(join(copy, file), file.endsWith('.json') ? '\n' : '\n// changed\n');
  const after = buildHashes();
  for (const task of changed) expect(after.get(task), task).not.toBe(before.get(task));
});

test('a change to a test or a README leaves the build hash as it is', () => {
  const before = buildHashes();
  appendFileSync(join(copy, 'packages/drift/test/bin-edges.test.ts'), '\n// changed\n');
  appendFileSync(join(copy, 'packages/drift/README.md'), '\nchanged\n');
  expect(buildHashes().get('@modelsight/drift#build')).toBe(before.get('@modelsight/drift#build'));
});
