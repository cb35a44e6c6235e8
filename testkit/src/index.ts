/**
 * Launchers for real NATS, Redis and MongoDB-wire servers and a Kubernetes
 * control plane on loopback, for tests and local runs.
 *
 * @packageDocumentation
 */
export {
  etcdBinary,
  ferretdbBinary,
  helmBinary,
  kubeApiserverBinary,
  kubeControllerManagerBinary,
  natsServerBinary,
  opensslBinary,
  redisServerBinary,
  servicesCacheDir,
} from './binaries.js';
export { eventually } from './eventually.js';
export type { EventuallyOptions } from './eventually.js';
export { LOOPBACK, freePort } from './free-port.js';
export { DEFAULT_KUBE_CONTROLLERS, startKube } from './kube.js';
export type {
  KubeControlPlane,
  KubeOptions,
  KubeRequestOptions,
  KubeResponse,
} from './kube.js';
export { mongoDatabaseName, startMongo } from './mongo.js';
export type { MongoOptions, MongoServer } from './mongo.js';
export { startNats } from './nats.js';
export type { NatsOptions, NatsServer } from './nats.js';
export { startRedis } from './redis.js';
export type { RedisOptions, RedisServer } from './redis.js';
export { acceptsConnections, startServerProcess } from './server-process.js';
export type {
  ServerContext,
  ServerProcess,
  ServerProcessOptions,
} from './server-process.js';
export { startServices } from './services.js';
export type { ServiceSelection, Services } from './services.js';
export { assertReadmeConfig, readmeConfigRows } from './readme-config.js';
export type { DocumentedSetting } from './readme-config.js';
