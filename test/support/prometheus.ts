import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One sample of an instant-vector answer of the Prometheus HTTP API. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus server on loopback, started for a test. */
export interface PrometheusServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Runs an instant PromQL query; throws with Prometheus' own error text when the query is refused. */
  query(promql: string): Promise<PromSample[]>;
  /**
   * Repeats `query` until `predicate` accepts the answer (default: at least one sample),
   * then returns it; throws with the last answer after `timeoutMs`.
   */
  waitFor(promql: string, predicate?: (samples: PromSample[]) => boolean, timeoutMs?: number): Promise<PromSample[]>;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** `host:port` of each `/metrics` endpoint to scrape. */
  targets: string[];
  /** Absolute paths of rule files to load. */
  ruleFiles?: string[];
  /** Scrape and rule evaluation interval. @default 1 */
  scrapeIntervalSeconds?: number;
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the `prometheus` binary from the PATH (Debian package `prometheus`) with a fresh data directory. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const dir = mkdtempSync(join(tmpdir(), 'modelsight-prometheus-'));
  const configPath = join(dir, 'prometheus.yml');
  const ruleFiles = options.ruleFiles ?? [];
  writeFileSync(
    configPath,
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      ...(ruleFiles.length > 0 ? ['rule_files:', ...ruleFiles.map((file) => `  - ${JSON.stringify(file)}`)] : []),
      'scrape_configs:',
      '  - job_name: modelsight',
      `    scrape_interval: ${interval}`,
      '    static_configs:',
      `      - targets: ${JSON.stringify(options.targets)}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  const spawnError = new Promise<Error>((resolve) => child.on('error', resolve));

  const stop = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(5000)]);
      if (!exited) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    const failed = await Promise.race([spawnError, sleep(0).then(() => undefined)]);
    if (failed) {
      await stop();
      throw new Error(`could not start prometheus (is the Debian package installed?): ${failed.message}`);
    }
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready:\n${output.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }

  const query = async (promql: string): Promise<PromSample[]> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: unknown };
    };
    if (body.status !== 'success' || !body.data) {
      throw new Error(`prometheus refused ${promql}: ${body.error ?? res.status}`);
    }
    if (body.data.resultType === 'scalar') {
      return [{ metric: {}, value: body.data.result as [number, string] }];
    }
    return body.data.result as PromSample[];
  };

  const waitFor = async (
    promql: string,
    predicate: (samples: PromSample[]) => boolean = (samples) => samples.length > 0,
    timeoutMs = 30_000,
  ): Promise<PromSample[]> => {
    const until = Date.now() + timeoutMs;
    let last: PromSample[] = [];
    for (;;) {
      last = await query(promql);
      if (predicate(last)) return last;
      if (Date.now() > until) {
        throw new Error(`timed out waiting for ${promql}; last answer: ${JSON.stringify(last).slice(0, 2000)}`);
      }
      await sleep(250);
    }
  };

  return { url, query, waitFor, stop };
}
