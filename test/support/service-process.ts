import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** How the preload is loaded: `--require` (CommonJS apps) or `--import` (ESM apps). */
export type PreloadMode = 'require' | 'import';

export interface ServiceProcess {
  readonly url: string;
  readonly pid: number;
  /** Every stdout line so far (pino writes one JSON object per line). */
  stdoutLines(): string[];
  /** stdout lines that parse as JSON objects. */
  logRecords(): Record<string, unknown>[];
  stderr(): string;
  /** Resolves when the process has exited, with how it exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal; the process is not waited for. */
  kill(signal: NodeJS.Signals): void;
  /** SIGKILLs the process if it still runs. */
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  /** Absolute path of the service's entry file. */
  script: string;
  /** `--require` or `--import` the preload; `none` runs the service bare. */
  preload: PreloadMode | 'none';
  port: number;
  env?: Record<string, string>;
  /** Wait until `GET /health` answers. @default true */
  waitForHealth?: boolean;
}

const testDir = resolve(__dirname, '..');

/** Starts a service in a child process, from the `test` workspace so that it resolves the built packages. */
export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const args = options.preload === 'none' ? [] : [`--${options.preload}`, '@modelsight/node/register'];
  const child: ChildProcess = spawn(process.execPath, [...args, options.script], {
    cwd: testDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(options.port),
      OTEL_SERVICE_NAME: 'preload-fixture',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const url = `http://127.0.0.1:${options.port}`;
  const service: ServiceProcess = {
    url,
    pid: child.pid ?? -1,
    stdoutLines: () => stdout.split('\n').filter((line) => line.trim() !== ''),
    logRecords: () =>
      service.stdoutLines().flatMap((line) => {
        try {
          const value: unknown = JSON.parse(line);
          return value && typeof value === 'object' ? [value as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    stderr: () => stderr,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
    stop: async () => {
      if (!hasExited) child.kill('SIGKILL');
      await exited;
    },
  };

  if (options.waitForHealth ?? true) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (hasExited) throw new Error(`service exited before answering /health:\n${stderr}\n${stdout}`);
      try {
        const response = await fetch(`${url}/health`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await service.stop();
        throw new Error(`service did not answer /health within 20 s:\n${stderr}\n${stdout}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return service;
}

/** Posts one prediction request (`{ features }` unless a whole body is given); returns the parsed JSON answer. */
export async function predict<T = { label: string; confidence: number; predictionId: string; traceId: string }>(
  service: Pick<ServiceProcess, 'url'>,
  features: Record<string, number>,
  query = '',
  body: unknown = { features },
): Promise<T> {
  const response = await fetch(`${service.url}/predict${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST /predict answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
