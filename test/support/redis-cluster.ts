import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus';

/** A real Redis Cluster of Debian's `redis-server` on loopback: three primaries, each with one replica. */
export interface RedisCluster {
  /** `redis://127.0.0.1:<port>` of every node. */
  readonly urls: string[];
  /** Runs `redis-cli` against one node (`-c`: follows redirections) and returns its output, trimmed. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The ports of the nodes that are primaries now, by `CLUSTER NODES`. */
  primaries(): Promise<number[]>;
  /** Kills a node (SIGKILL: no goodbye, as when a machine dies). */
  kill(port: number): void;
  /** Stops every node and removes their directories. */
  remove(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => resolve(out.trim()));
  });
}

/**
 * Starts six `redis-server --cluster-enabled yes` on free ports (no persistence, a node timeout of
 * `nodeTimeoutMs` so that a replica takes over quickly) and joins them with
 * `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`; resolves once every slot is served and
 * every replica has finished its first sync (so that it can take over when its primary dies).
 */
export async function startRedisCluster(nodeTimeoutMs = 1000): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'modelsight-redis-cluster-'));
  const ports: number[] = [];
  while (ports.length < 6) {
    const port = await freePort();
    // The cluster bus listens on port + 10000: keep both free and distinct.
    if (port > 55_000 || ports.includes(port)) continue;
    ports.push(port);
  }
  const children = new Map<number, ChildProcess>();
  for (const port of ports) {
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir);
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(nodeDir, 'nodes.conf'),
        '--cluster-node-timeout',
        String(nodeTimeoutMs),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        nodeDir,
        // A replica syncs at once instead of waiting 5 s for others to share the transfer.
        '--repl-diskless-sync-delay',
        '0',
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    );
    children.set(port, child);
  }
  const cli = (port: number, ...args: string[]) => run('redis-cli', ['-c', '-p', String(port), ...args]);
  for (const port of ports) {
    const deadline = Date.now() + 15_000;
    while ((await cli(port, 'ping')) !== 'PONG') {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
      await sleep(50);
    }
  }
  const created = await run('redis-cli', [
    '--cluster',
    'create',
    ...ports.map((port) => `127.0.0.1:${port}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
  ]);
  if (!created.includes('All 16384 slots covered')) throw new Error(`redis-cli --cluster create failed:\n${created}`);
  const deadline = Date.now() + 20_000;
  for (const port of ports) {
    while (!(await cli(port, 'cluster', 'info')).includes('cluster_state:ok')) {
      if (Date.now() > deadline) throw new Error('the cluster did not reach cluster_state:ok');
      await sleep(50);
    }
  }
  // A replica that never finished its first sync cannot take over: its primary killed before then
  // would leave the slots unserved for good. Ready once every replica's link to its primary is up.
  for (const port of ports) {
    for (;;) {
      const info = await cli(port, 'info', 'replication');
      if (info.includes('role:master') || info.includes('master_link_status:up')) break;
      if (Date.now() > deadline) throw new Error(`the replica on port ${port} did not finish its first sync:\n${info}`);
      await sleep(50);
    }
  }
  return {
    urls: ports.map((port) => `redis://127.0.0.1:${port}`),
    cli,
    primaries: async () => {
      const alive = ports.find(
        (port) => children.get(port)!.exitCode === null && children.get(port)!.signalCode === null,
      );
      const nodes = await cli(alive!, 'cluster', 'nodes');
      return nodes
        .split('\n')
        .filter((line) => / master /.test(line.replace(/,/g, ' ')) && !/fail/.test(line))
        .map((line) => Number(/:(\d+)@/.exec(line)![1]));
    },
    kill: (port) => children.get(port)?.kill('SIGKILL'),
    remove: async () => {
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGKILL');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
