import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The built `modelsight` command of `@modelsight/cli`. */
export const MODELSIGHT = resolve(__dirname, '../../packages/cli/dist/cli.cjs');

/** Runs `modelsight` with `args` in `cwd`; throws with its stderr unless it exits with `expectedCode`. */
export function modelsight(args: readonly string[], cwd: string, expectedCode = 0): { stdout: string; stderr: string } {
  if (!existsSync(MODELSIGHT))
    throw new Error(`${MODELSIGHT} is missing: build it first (npm run build -w @modelsight/cli)`);
  const result = spawnSync(process.execPath, [MODELSIGHT, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    timeout: 60_000,
  });
  if (result.status !== expectedCode) {
    throw new Error(
      `modelsight ${args.join(' ')} exited with ${result.status}, not ${expectedCode}:\n${result.stderr}`,
    );
  }
  return { stdout: result.stdout, stderr: result.stderr };
}
