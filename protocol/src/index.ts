export * from './api.js';
export * from './broker-metrics.js';
export * from './device-link.js';
export * from './gatt/index.js';
export * from './live.js';
export * from './telemetry.js';
export * from './topics.js';
export * from './vocabulary.js';
