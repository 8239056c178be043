import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus';

/** A real `redis-server` (Debian package `redis-server`) on loopback, started for a test. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Runs one command through `redis-cli` and returns its raw output, trimmed. */
  cli(...args: string[]): Promise<string>;
  /** SIGSTOP: the server keeps accepting connections (the kernel does) and answers nothing. */
  pause(): void;
  /** SIGCONT after {@link pause}. */
  resume(): void;
  /** Stops the server (SIGTERM, no save) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  remove(): Promise<void>;
}

export interface StartRedisOptions {
  /** `maxmemory` (e.g. `'2mb'`), with the `noeviction` policy. @default none */
  maxmemory?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Starts `redis-server` on a free port, without persistence, in a fresh temporary directory. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'modelsight-redis-'));
  let child: ChildProcess | undefined;
  let output = '';
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'warning',
    ];
    if (options.maxmemory !== undefined)
      args.push('--maxmemory', options.maxmemory, '--maxmemory-policy', 'noeviction');
    const process = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = process;
    process.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    process.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let gone = false;
    exited = new Promise((resolve) => process.once('exit', () => resolve()));
    void exited.then(() => (gone = true));
    const spawnError = new Promise<Error>((resolve) => process.once('error', resolve));
    const deadline = Date.now() + 15_000;
    for (;;) {
      const failed = await Promise.race([spawnError, sleep(0).then(() => undefined)]);
      if (failed)
        throw new Error(
          `could not start redis-server (is the Debian package redis-server installed?): ${failed.message}`,
        );
      if (gone || Date.now() > deadline) throw new Error(`redis-server did not start:\n${output.slice(-2000)}`);
      if (await answersPing(port)) return;
      await sleep(50);
    }
  };

  const stop = async (): Promise<void> => {
    const process = child;
    child = undefined;
    if (process === undefined || process.exitCode !== null) return;
    process.kill('SIGCONT');
    process.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (process.exitCode === null && process.signalCode === null) process.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    cli: (...args) =>
      new Promise((resolve, reject) => {
        const cli = spawn('redis-cli', ['-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        cli.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        cli.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
        cli.once('error', reject);
        cli.once('close', () => resolve(out.trim()));
      }),
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop,
    start,
    remove: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
