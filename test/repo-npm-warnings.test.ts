import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

// npm in the repository on Node 20: no warning about the project's npm configuration, no dependency whose
// engines refuse this Node, no install script left unreviewed (onnxruntime-node's, which would download
// CUDA files from outside the registry, is denied in allowScripts).
const run = promisify(execFile);
const repoRoot = resolve(__dirname, '..');

test('npm install in the repository warns about no project config, no engine and no unreviewed install script', async () => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.toLowerCase().startsWith('npm_') && key !== 'ONNXRUNTIME_NODE_INSTALL',
    ),
  );
  const { stderr } = await run('npm', ['install', '--dry-run', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: repoRoot,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  expect(stderr).not.toMatch(/Unknown project config/);
  expect(stderr).not.toMatch(/EBADENGINE/);
  expect(stderr).not.toMatch(/install-scripts/);
}, 120_000);
