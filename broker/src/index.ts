export {
  checkOrphanWill,
  checkPublish,
  checkSubscribe,
  clientIdAllowed,
  type PublishRefusal,
  publishRefusalSchema,
  type SubscribeRefusal,
} from './acl.js';
export type { Broker, BrokerDeps, ListeningPorts } from './broker.js';
export { createBroker } from './broker.js';
export {
  type BrokerConfig,
  brokerConfigSchema,
  brokerEnvSchema,
  parseBrokerEnv,
  type ResolvedBrokerConfig,
  resolveBrokerConfig,
  type StandaloneConfig,
} from './config.js';
export {
  type CredentialChangeListener,
  type CredentialStore,
  type CredentialsFile,
  credentialsFileSchema,
  FileCredentialStore,
  type GatewayPrincipal,
  InMemoryCredentialStore,
  loadCredentialsFile,
  type Principal,
  parseCredentialsFile,
  principalSchema,
  type ServicePrincipal,
} from './credentials.js';
export { type BrokerErrorCode, codes } from './errors.js';
export {
  type BrokerMetrics,
  brokerMetricsSchema,
  METRICS_FILTER,
  MetricsRecorder,
  metricsTopic,
} from './metrics.js';
export {
  DEFAULT_SCRYPT_PARAMS,
  generateSecret,
  hashSecret,
  type ScryptParams,
  secretHashSchema,
  verifySecret,
} from './secrets.js';
