/** Child processes of a chain run: spawn with `node --import tsx` and an IPC channel, request/response by message type. */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';

export interface Child {
  proc: ChildProcess;
  send(m: unknown): void;
  /** Next message of `type` (rejects on an `error` message, exit, or timeout). */
  next<T = Record<string, unknown>>(type: string, timeoutMs: number): Promise<T>;
  kill(): void;
}

export function spawnChild(file: string, env: NodeJS.ProcessEnv, name: string): Child {
  const proc = fork(file, [], {
    execArgv: ['--import', 'tsx'],
    env,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-20_000);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${d}`);
  });
  const queue: { type: string; msg: Record<string, unknown> }[] = [];
  const waiters: { type: string; resolve: (m: never) => void; reject: (e: Error) => void }[] = [];
  const fail = (e: Error) => {
    for (const w of waiters.splice(0)) w.reject(e);
  };
  proc.on('message', (m: Record<string, unknown>) => {
    if (m.type === 'error') return fail(new Error(`${name}: ${String(m.error)}\n${stderr.slice(-3000)}`));
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m as never);
    else queue.push({ type: String(m.type), msg: m });
  });
  proc.on('exit', (code, signal) => {
    if (waiters.length) fail(new Error(`${name} exited (${code ?? signal})\n${stderr.slice(-3000)}`));
  });
  return {
    proc,
    send: (m) => {
      if (proc.connected) proc.send(m as never);
    },
    next<T>(type: string, timeoutMs: number) {
      const i = queue.findIndex((q) => q.type === type);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]!.msg as T);
      return new Promise<T>((resolve, reject) => {
        const w = { type, resolve: resolve as (m: never) => void, reject };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`${name}: no "${type}" within ${timeoutMs} ms\n${stderr.slice(-3000)}`));
        }, timeoutMs);
        w.resolve = ((m: T) => {
          clearTimeout(t);
          resolve(m);
        }) as (m: never) => void;
        w.reject = (e) => {
          clearTimeout(t);
          reject(e);
        };
        waiters.push(w);
      });
    },
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

/** CPU seconds and peak RSS of any process (for Mosquitto), from /proc. */
export function procStat(pid: number): { cpuS: number; peakRssMb: number; rssMb: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return {
      cpuS: ticks / 100,
      peakRssMb: Math.round(kb('VmHWM') / 1024),
      rssMb: Math.round(kb('VmRSS') / 1024),
    };
  } catch {
    return undefined;
  }
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} not open after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
