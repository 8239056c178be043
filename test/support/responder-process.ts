import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { MODELSIGHT } from './modelsight-cli';
import { waitUntil } from './wait-until';

/** `modelsight respond` running as a process, with its audit lines (stdout) parsed. */
export interface ResponderProcess {
  readonly url: string;
  /** Audit lines so far, one object each. */
  readonly audit: Record<string, any>[];
  /** Its stderr so far. */
  stderr(): string;
  /** A counter of its /metrics: the value of the series with exactly these labels (`action="x",result="y"`). */
  metric(name: string, labels: string): Promise<number>;
  stop(): Promise<void>;
}

/** Starts `modelsight respond --config FILE` with `env`; resolves once it listens. */
export async function startResponderProcess(config: string, env: NodeJS.ProcessEnv): Promise<ResponderProcess> {
  if (!existsSync(MODELSIGHT)) throw new Error(`${MODELSIGHT} is missing: build @modelsight/cli first`);
  const child = spawn(process.execPath, [MODELSIGHT, 'respond', '--config', config], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const audit: Record<string, any>[] = [];
  let pending = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) audit.push(JSON.parse(line) as Record<string, any>);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await gone;
    }
  };
  const url = await waitUntil(
    () => {
      if (child.exitCode !== null) throw new Error(`modelsight respond exited with ${child.exitCode}:\n${stderr}`);
      return /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
    },
    () => `modelsight respond did not start:\n${stderr}`,
  );
  return {
    url,
    audit,
    stderr: () => stderr,
    metric: async (name, labels) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
      if (line === undefined) throw new Error(`no ${name}{${labels}} in\n${text}`);
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    },
    stop,
  };
}
