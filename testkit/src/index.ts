/**
 * Launchers for real NATS, Redis and MongoDB-wire servers on loopback, for
 * tests and local runs.
 *
 * @packageDocumentation
 */
export {
  ferretdbBinary,
  natsServerBinary,
  redisServerBinary,
  servicesCacheDir,
} from './binaries.js';
export { LOOPBACK, freePort } from './free-port.js';
export { mongoDatabaseName, startMongo } from './mongo.js';
export type { MongoServer } from './mongo.js';
export { startNats } from './nats.js';
export type { NatsOptions, NatsServer } from './nats.js';
export { startRedis } from './redis.js';
export type { RedisServer } from './redis.js';
export { acceptsConnections, startServerProcess } from './server-process.js';
export type {
  ServerContext,
  ServerProcess,
  ServerProcessOptions,
} from './server-process.js';
export { startServices } from './services.js';
export type { ServiceSelection, Services } from './services.js';
