import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus';
import { waitUntil } from './wait-until';

/** A real Alertmanager (Debian package prometheus-alertmanager) on loopback, started for a test. */
export interface AlertmanagerServer {
  readonly url: string;
  /** Posts alerts to its API (v2); throws unless it accepts them. */
  postAlerts(
    alerts: {
      labels: Record<string, string>;
      annotations?: Record<string, string>;
      startsAt?: string;
      endsAt?: string;
    }[],
  ): Promise<void>;
  /** The value of one of its own metrics, summed over the series whose text contains `selector`. */
  metric(name: string, selector?: string): Promise<number>;
  /** Its log so far, for assertion messages. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager with `config` (YAML text) and a fresh data directory; resolves when it is ready.
 * `debug` logs every flush of an alert group (`msg=flushing`), which tests wait on.
 */
export async function startAlertmanager(
  config: string,
  options: { debug?: boolean } = {},
): Promise<AlertmanagerServer> {
  const dir = mkdtempSync(join(tmpdir(), 'modelsight-alertmanager-'));
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      ...(options.debug ? ['--log.level=debug'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((done) => setTimeout(done, 5000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`alertmanager exited:\n${output}`);
        return (
          (await fetch(`${url}/-/ready`).then(
            (res) => res.ok,
            () => false,
          )) || undefined
        );
      },
      () => `alertmanager did not become ready:\n${output.slice(-3000)}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    postAlerts: async (alerts) => {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (res.status !== 200) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    metric: async (name, selector = '') => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith(name) && /[{ ]/.test(line[name.length] ?? '') && line.includes(selector))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    },
    log: () => output,
    stop,
  };
}
