/**
 * Child process for the crash test: opens the file-backed registry in argv[2], raises an alert in the active
 * session, prints `committed <alertId>` and waits to be killed with SIGKILL (no close, no flush).
 */
import { openRegistry } from '../../src/registry/index.js';

const [dataDir, sessionId, participantId] = process.argv.slice(2) as [string, string, string];
const { registry } = await openRegistry({ dataDir });
const { alert } = await registry.alerts.raise({
  sessionId,
  participantId,
  rule: 'HR_OVER_CEILING',
  severity: 'critical',
  atMs: Date.UTC(2025, 0, 6, 9, 30),
});
process.stdout.write(`committed ${alert.id}\n`);
setInterval(() => undefined, 60_000);
