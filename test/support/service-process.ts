import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from './prometheus';

/** How the preload is loaded: `--require` (CommonJS apps) or `--import` (ESM apps). */
export type PreloadMode = 'require' | 'import';

/** How a process ended: its exit code, or the signal that ended it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  readonly url: string;
  readonly pid: number;
  /** Every stdout line so far (pino writes one JSON object per line). */
  stdoutLines(): string[];
  /** stdout lines that parse as JSON objects. */
  logRecords(): Record<string, unknown>[];
  stderr(): string;
  /** Resolves once `stream` contains `needle`; rejects after `timeoutMs` with what it holds. */
  waitForOutput(stream: 'stdout' | 'stderr', needle: string, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has exited and its output has been read to the end, with how it exited. */
  readonly exited: Promise<ExitStatus>;
  /** Sends a signal; the process is not waited for. */
  kill(signal: NodeJS.Signals): void;
  /**
   * Sends `signal` and waits for the exit. Under the preload the exit comes after the final flush, so
   * whatever the service was going to export has been sent by then.
   */
  exitBy(signal: NodeJS.Signals): Promise<ExitStatus>;
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
  /** Directory the service runs in, where the preload and the app's packages are resolved. @default the `test` workspace */
  cwd?: string;
}

const testDir = resolve(__dirname, '..');

/** Starts a service in a child process, by default from the `test` workspace so that it resolves the built packages. */
export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const args = options.preload === 'none' ? [] : [`--${options.preload}`, '@modelsight/node/register'];
  const child: ChildProcess = spawn(process.execPath, [...args, options.script], {
    cwd: options.cwd ?? testDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(options.port),
      OTEL_SERVICE_NAME: 'preload-fixture',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<ExitStatus>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const url = `http://127.0.0.1:${options.port}`;
  const service: ServiceProcess = {
    url,
    pid: child.pid ?? -1,
    stdoutLines: () => output.stdout.split('\n').filter((line) => line.trim() !== ''),
    logRecords: () =>
      service.stdoutLines().flatMap((line) => {
        try {
          const value: unknown = JSON.parse(line);
          return value && typeof value === 'object' ? [value as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    stderr: () => output.stderr,
    waitForOutput: (stream, needle, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const source = stream === 'stdout' ? child.stdout : child.stderr;
        const check = () => {
          if (!output[stream].includes(needle)) return;
          clearTimeout(timer);
          source?.off('data', check);
          resolve();
        };
        const timer = setTimeout(() => {
          source?.off('data', check);
          reject(new Error(`"${needle}" did not appear on ${stream} within ${timeoutMs} ms; got:\n${output[stream]}`));
        }, timeoutMs);
        // Listeners run in order: the collecting one above has already appended the chunk.
        source?.on('data', check);
        check();
      }),
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
    exitBy: (signal) => {
      child.kill(signal);
      return exited;
    },
    stop: async () => {
      if (!hasExited) child.kill('SIGKILL');
      await exited;
    },
  };

  if (options.waitForHealth ?? true) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (hasExited) throw new Error(`service exited before answering /health:\n${output.stderr}\n${output.stdout}`);
      try {
        const response = await fetch(`${url}/health`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await service.stop();
        throw new Error(`service did not answer /health within 20 s:\n${output.stderr}\n${output.stdout}`);
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

/** Options of {@link startPreloaded}: those of {@link startService}, with the ports chosen here. */
export interface StartPreloadedOptions extends Omit<StartServiceOptions, 'port' | 'preload'> {
  /** @default 'require' */
  preload?: StartServiceOptions['preload'];
  /** Base URL of an OTLP receiver; spans are then exported every 50 ms. */
  collector?: string;
}

/** A service started by {@link startPreloaded}, with the port of its Prometheus endpoint. */
export interface PreloadedService extends ServiceProcess {
  readonly metricsPort: number;
  /** The text of one scrape of its `/metrics`. */
  scrape(): Promise<string>;
}

/**
 * Starts a service under the preload on free ports, `/metrics` on loopback, exporting to `collector` when
 * one is given; `env` adds to or overrides those variables.
 */
export async function startPreloaded(options: StartPreloadedOptions): Promise<PreloadedService> {
  const metricsPort = await freePort();
  const service = await startService({
    ...options,
    preload: options.preload ?? 'require',
    port: await freePort(),
    env: {
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      ...(options.collector === undefined
        ? {}
        : { OTEL_EXPORTER_OTLP_ENDPOINT: options.collector, OTEL_BSP_SCHEDULE_DELAY: '50' }),
      ...options.env,
    },
  });
  return {
    ...service,
    metricsPort,
    scrape: async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(),
  };
}
