export { loadSetupConfig, type SetupConfig, SetupConfigError, setupEnvSchema } from './influx/config.js';
export { pingInflux, type ServerVersion, waitForInflux } from './influx/detect.js';
export {
  InfluxQueryError,
  type InfluxQueryTarget,
  type InfluxResult,
  influxQL,
  rows,
} from './influx/http.js';
export {
  backfillInflux1,
  backfillStatement,
  continuousQuery,
  DOWNSAMPLES,
  type SetupAction,
  setupInflux1,
} from './influx/v1.js';
export { DOWNSAMPLE_TASK, downsampleTaskFlux, setupInflux2, setupInflux3, TOKENS } from './influx/v2.js';
