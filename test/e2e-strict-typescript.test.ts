import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPackedApp, type PackedApp } from './support/packed-app';

// A strict TypeScript app outside the workspace: every package packed with `npm pack`, installed with what
// the install lines of the READMEs add (the API, the instrumentation base, pino) and nothing else, then
// type-checked with `strict` and `skipLibCheck: false`, as ESM and CommonJS under `nodenext` and as classic
// CommonJS. The declarations of a package must name only what these lines install.
const APP = resolve(__dirname, 'fixtures/strict-typescript-app');
const run = promisify(execFile);

let app: PackedApp;
beforeAll(async () => {
  const files = (await readdir(APP)).map((file) => join(APP, file));
  app = await installPackedApp({
    files,
    dependencies: ['@opentelemetry/api', '@opentelemetry/instrumentation', 'pino', 'typescript@5', '@types/node@20'],
  });
}, 600_000);

afterAll(async () => {
  await app?.remove();
});

async function typeCheck(project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [join(app.dir, 'node_modules/typescript/bin/tsc'), '-p', project], {
      cwd: app.dir,
    });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('a strict TypeScript app installed from the packed packages with the README install lines', () => {
  it('installs no optional peer that the declarations would need', async () => {
    const installed = await app.installedPackages();
    expect(installed.has('@opentelemetry/sdk-metrics')).toBe(false);
  });

  it.each(['tsconfig.nodenext.json', 'tsconfig.commonjs.json'])(
    'type-checks with skipLibCheck false (%s)',
    async (project) => {
      const { code, output } = await typeCheck(project);
      expect(output).toBe('');
      expect(code).toBe(0);
    },
    120_000,
  );
});
