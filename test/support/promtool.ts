import { spawn } from 'node:child_process';

/** Exit code and output of a command-line tool. */
export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertion messages. */
  output: string;
}

/**
 * Runs a binary from the PATH (`promtool`, `amtool`, ...) to completion. A missing
 * binary is an error with the Debian package to install, not a skipped test.
 */
export function runTool(
  binary: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(
        new Error(`could not run ${binary} (Debian packages prometheus, prometheus-alertmanager): ${error.message}`),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, output: `${stdout}${stderr}` });
    });
  });
}
