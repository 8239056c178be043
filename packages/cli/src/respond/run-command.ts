import { spawn } from 'node:child_process';
import { OutputTail, type RunOutcome } from './action-outcome';

/** Process groups of the commands under way, ended when the responder exits. */
export const runningGroups = new Set<number>();

/** Sends SIGTERM to the process group of every command under way. */
export function endRunningGroups(): void {
  for (const pid of runningGroups) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/** Time between SIGTERM and SIGKILL of a command past its timeout. */
const KILL_GRACE_MS = 2000;

/**
 * Runs `argv` without a shell: the program gets each element as one argument, whatever it holds
 * (`$(...)`, `;`, quotes are plain text). It runs in a process group of its own, so that a
 * timeout ends the whole group, the command's own children included.
 */
export function runCommand(argv: readonly string[], timeoutMs: number, env: NodeJS.ProcessEnv): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const [program, ...args] = argv as [string, ...string[]];
    const stdout = new OutputTail();
    const stderr = new OutputTail();
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(program, args, { shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
    const group = child.pid;
    if (group !== undefined) runningGroups.add(group);
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
    let settled = false;
    const settle = (outcome: RunOutcome) => {
      if (settled) return;
      settled = true;
      if (group !== undefined) runningGroups.delete(group);
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve(outcome);
    };
    child.on('error', (error) => settle({ result: 'failed', detail: { error: error.message } }));
    child.on('close', (code, signal) => {
      const detail = {
        exitCode: code,
        ...(signal ? { signal } : {}),
        stdout: stdout.toString(),
        stderr: stderr.toString(),
      };
      settle({ result: timedOut ? 'timed_out' : code === 0 ? 'succeeded' : 'failed', detail });
    });
  });
}
