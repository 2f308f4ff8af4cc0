import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ReplayInputError, replay } from '../src/replay.js';

const USAGE = `Usage: npm run replay -- --prescription rx.json --trace trace.csv [--exercise-end-ms N]

Replays a recorded trace through the zonewatch rules engine (CLINICAL-RULES.md section 7).

  --prescription FILE   prescription JSON (portable form of section 7, or a full prescription record)
  --trace FILE          CSV with header t_ms,hr,spo2,steps,contact; one sample per row, t_ms (ms from
                        the session start) strictly increasing, at most 86400000 (24 h)
  --exercise-end-ms N   end of the exercise phase (ms of trace time): adds hrRecovery to the metrics
  -h, --help            show this help

Output (stdout): one JSON alert event per line ({"t","rule","severity","event"[,"unconfirmed"]}), then
{"metrics":{...}} as the last line. Exit 0 on success; 1 when an input is malformed (file:line:column:
reason on stderr, no events printed); 2 on a usage error; 3 on an internal error (a bug: please report it).
`;

function main(argv: string[]): number {
  let values: { prescription?: string; trace?: string; 'exercise-end-ms'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        prescription: { type: 'string' },
        trace: { type: 'string' },
        'exercise-end-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`replay: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.prescription || !values.trace) {
    process.stderr.write(`replay: --prescription and --trace are both required\n\n${USAGE}`);
    return 2;
  }
  let exerciseEndMs: number | undefined;
  const ex = values['exercise-end-ms'];
  if (ex !== undefined) {
    exerciseEndMs = Number(ex);
    if (!/^\d+$/.test(ex) || !Number.isSafeInteger(exerciseEndMs)) {
      process.stderr.write(`replay: --exercise-end-ms must be a non-negative integer (ms)\n`);
      return 2;
    }
  }

  const texts: string[] = [];
  for (const file of [values.prescription, values.trace]) {
    try {
      texts.push(readFileSync(file, 'utf8'));
    } catch (e) {
      process.stderr.write(
        `${file}:1:1: cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`,
      );
      return 1;
    }
  }

  let lines: string[];
  try {
    lines = replay(texts[0] as string, texts[1] as string, {
      prescriptionName: values.prescription,
      traceName: values.trace,
      ...(exerciseEndMs === undefined ? {} : { exerciseEndMs }),
    });
  } catch (e) {
    if (e instanceof ReplayInputError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

// Every malformed input is refused with file:line:column: reason inside main (CLINICAL-RULES.md section 7).
// Anything else is a bug; the user still gets one plain line rather than a stack trace.
try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(
    `replay: internal error: ${e instanceof Error ? e.message : String(e)} (a bug: please report it with the input files)\n`,
  );
  process.exitCode = 3;
}
