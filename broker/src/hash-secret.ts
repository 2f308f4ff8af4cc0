/**
 * Prints the scrypt hash of a secret for the credentials file.
 *
 *   node --import tsx broker/src/hash-secret.ts < secret.txt     # hash a secret read from stdin
 *   node --import tsx broker/src/hash-secret.ts --generate        # new random secret, then its hash
 *
 * The secret is never taken from argv (it would show in `ps` and shell history).
 */
import { codes } from './errors.js';
import { generateSecret, hashSecret } from './secrets.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is the shell's, not the secret's.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stderr.write(
      'usage: hash-secret [--generate]  (reads the secret from stdin unless --generate)\n',
    );
    return 0;
  }
  if (args.includes('--generate')) {
    const secret = generateSecret();
    process.stdout.write(`secret: ${secret}\nhash:   ${await hashSecret(secret)}\n`);
    return 0;
  }
  if (process.stdin.isTTY) process.stderr.write('secret (then Enter, Ctrl-D): ');
  const secret = await readStdin();
  if (secret.length < 12) {
    process.stderr.write('refusing a secret shorter than 12 characters; try --generate\n');
    return 2;
  }
  process.stdout.write(`${await hashSecret(secret)}\n`);
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    const known = Object.keys(codes).includes((err as { code?: string }).code ?? '');
    console.error(known ? err.message : err);
    process.exitCode = 1;
  },
);
