// What the service benchmarks share: free ports, the fixture service in a child process, its memory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, three levels up from packages/node/bench. */
export const root = dirname(dirname(dirname(dirname(fileURLToPath(import.meta.url)))));

/** A port nothing listens on right now, on loopback. */
export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Resident memory of a process, in MB. */
export const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/**
 * Starts `script` (a file of test/fixtures) from the test workspace, under `--require
 * @modelsight/node/register` when `preload` is set, on a free port with `/metrics` on another; resolves
 * once it answers `GET /health`.
 */
export async function startService(script, preload, env) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(preload ? ['--require', '@modelsight/node/register'] : []), join(root, 'test/fixtures', script)],
    {
      cwd: join(root, 'test'),
      env: { PATH: process.env.PATH, PORT: String(port), OTEL_EXPORTER_PROMETHEUS_PORT: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let ended = false;
  const exited = new Promise((resolve) =>
    child.once('close', (code, signal) => ((ended = true), resolve({ code, signal }))),
  );
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (ended) throw new Error(`${script} exited before answering /health:\n${stderr}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, url, exited, stderr: () => stderr };
}
