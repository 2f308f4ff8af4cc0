/** A real Mosquitto for the chain benchmark: temp dir, password file, `max_queued_messages 0`, loopback port. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './procs.js';

export interface Mosquitto {
  url: string;
  pid: number;
  close(): Promise<void>;
}

export async function startMosquitto(users: { username: string; password: string }[]): Promise<Mosquitto> {
  const dir = mkdtempSync(path.join(tmpdir(), 'zw-bench-mosquitto-'));
  const pw = path.join(dir, 'passwd');
  writeFileSync(pw, users.map((u) => `${u.username}:${u.password}\n`).join(''));
  execFileSync('mosquitto_passwd', ['-U', pw]);
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${pw}`,
      // Its default of 1000 drops QoS1 messages under load (FIELD-NOTES.md).
      'max_queued_messages 0',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, 10_000);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid!,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
