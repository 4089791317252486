// Runs the `tongban` command (from source, through tsx) as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

// Every child started here is killed when the test file ends, pass or fail, so a failed assertion
// never leaves a server running that would keep the test process (and CI) alive.
const children = new Set<ChildProcess>();
export function killAllChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
}
process.on('exit', killAllChildren);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1' } });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tongban ${args.join(' ')} did not finish in time\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running command and resolves once `ready` matches its stderr. */
export function spawnCli(args: string[], ready: RegExp, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<{ child: ChildProcess; stderr: () => string; stdout: () => string; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1' } });
    children.add(child);
    let stderr = '';
    let stdout = '';
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tongban ${args.join(' ')} not ready in time\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    const check = () => {
      if (ready.test(stderr) || ready.test(stdout)) {
        clearTimeout(timer);
        resolve({ child, stderr: () => stderr, stdout: () => stdout, exited });
      }
    };
    child.stderr!.on('data', (d) => {
      stderr += d;
      check();
    });
    child.stdout!.on('data', (d) => {
      stdout += d;
      check();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tongban ${args.join(' ')} exited with ${code} before ready\n${stderr}`));
    });
  });
}
