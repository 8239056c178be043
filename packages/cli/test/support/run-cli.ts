import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built command line, as `npm install` links it to `modelsight`. */
export const CLI = resolve(__dirname, '../../dist/cli.cjs');

/** How a run of the command ended. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `modelsight` with `args` in `cwd`, without a terminal. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): CliResult {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build the package first (npm run build -w @modelsight/cli)`);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: options.env ?? { PATH: process.env.PATH ?? '' },
    input: options.input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary directory for one test file, which removes it in its `afterAll`. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'modelsight-cli-'));
