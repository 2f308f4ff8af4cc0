/**
 * Sets up InfluxDB for zonewatch: asks `/ping` which major version answers and applies the matching
 * set-up (1.x: database, retention policies, continuous queries; 2.x: buckets, DBRP mappings, task,
 * scoped tokens; 3.x: database). Safe to run at every start: it changes only what differs.
 *
 *   node --import tsx provisioning/src/influx-setup.ts [--backfill 6h]
 *
 * Configuration comes from the environment (see `setupEnvSchema`). `--backfill D` (1.x) also
 * down-samples the last D by hand, for data older than the continuous queries look back.
 */
import { parseArgs } from 'node:util';
import { durationSeconds, loadSetupConfig } from './influx/config.js';
import { waitForInflux } from './influx/detect.js';
import { backfillInflux1, type SetupAction, setupInflux1 } from './influx/v1.js';
import { setupInflux2, setupInflux3 } from './influx/v2.js';

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { backfill: { type: 'string' } }, allowPositionals: false });
  const cfg = loadSetupConfig(process.env);
  const version = await waitForInflux(cfg.url, cfg.waitMs);
  out(`InfluxDB ${version.raw} at ${cfg.url}`);
  let actions: SetupAction[];
  if (version.major === 1) {
    actions = await setupInflux1(cfg);
    if (values.backfill) {
      const to = Date.now();
      actions.push(...(await backfillInflux1(cfg, to - durationSeconds(values.backfill) * 1000, to)));
    }
  } else if (version.major === 2) {
    actions = await setupInflux2(cfg);
  } else if (version.major === 3) {
    actions = await setupInflux3(cfg);
  } else {
    throw new Error(`InfluxDB ${version.raw} is not supported (1.x, 2.x or 3.x)`);
  }
  if (values.backfill && version.major !== 1)
    out('--backfill applies to 1.x only; on 2.x re-run the task for the range');
  for (const a of actions) out(`  ${a.statement}  (${a.reason})`);
  out(actions.length ? `set-up done: ${actions.length} change(s)` : 'set-up done: nothing to change');
}

main().catch((err: unknown) => {
  console.error(`influx-setup: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
