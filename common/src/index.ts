export {
  AppError,
  ConfigError,
  isMalformedCrashReportError,
  isPayloadTooLargeError,
  isUpstreamUnavailableError,
  MalformedCrashReportError,
  PayloadTooLargeError,
  UpstreamUnavailableError,
} from './errors.js';
export {
  CRASH_ID_PREFIX,
  createCrashId,
  crashIdDate,
  crashIdDateKey,
  isValidCrashId,
  stripCrashIdPrefix,
  ThrottleDigit,
} from './crash-id.js';
export type { CrashId } from './crash-id.js';
export {
  describeSettings,
  isSecretKey,
  loadConfig,
  maskConfig,
  maskUrlPassword,
  mongoSettings,
  natsSettings,
  sharedSettings,
} from './config.js';
export type { SettingDescription } from './config.js';
export { createLogger, LogFields } from './log.js';
export type { Logger, LoggerOptions } from './log.js';
export {
  Counter,
  createMetricsRegistry,
  Gauge,
  Histogram,
  readMetric,
  Registry,
} from './metrics.js';
export { dockerflow, loadVersionInfo, runHealthChecks } from './dockerflow.js';
export type {
  DockerflowOptions,
  HealthCheck,
  HealthError,
  VersionInfo,
} from './dockerflow.js';
export {
  CRASH_FIELDS,
  findCrashField,
  isPublicField,
  renderCrashFieldsMarkdown,
} from './schema/crash-fields.js';
export type {
  CrashField,
  CrashFieldAccess,
  CrashFieldNamespace,
  CrashFieldSource,
  CrashFieldType,
} from './schema/crash-fields.js';
export { Collections, connectMongo, pingMongo } from './mongo.js';
export type { MongoOptions } from './mongo.js';
export { MongoCrashStorage } from './crash-storage.js';
export type {
  CrashStorage,
  MongoCrashStorageOptions,
  RawCrash,
  RawCrashDocument,
  StoredDump,
} from './crash-storage.js';
export { firstBuildOf, ProcessedCrashStorage } from './processed-storage.js';
export type {
  ProcessedCrashDocument,
  SignatureDocument,
} from './processed-storage.js';
export {
  CRASH_QUEUES,
  crashBusNames,
  JetStreamCrashPublisher,
  provisionCrashBus,
  provisionCrashStreams,
  provisionProcessorConsumers,
  publishToQueue,
  readCrashQueueLag,
} from './bus.js';
export type {
  CrashBusNames,
  CrashQueue,
  ConsumerOptions,
  CrashBusOptions,
  CrashPublisher,
  CrashSubjects,
  PublishResult,
} from './bus.js';
export {
  BUNDLED_LIST_DIR,
  buildListRegExp,
  defaultRuleset,
  defaultSignatureLists,
  generateSignature,
  generateSignatureDetails,
  loadSignatureLists,
  MAXIMUM_FRAMES_TO_CONSIDER,
  normalizeCppFunction,
  normalizeFrame,
  normalizeRustFunction,
  normalizeThreadFrames,
  parseSignatureInput,
  parseSignatureList,
  runSignatureRules,
  SIGNATURE_MAX_LENGTH,
  SignatureInputError,
  SignatureListError,
  SignatureResult,
  signatureInputFromProcessedCrash,
} from './signature/index.js';
export type {
  ConditionalSentinel,
  FrameParts as SignatureFrameParts,
  InlineFrame as SignatureInlineFrame,
  JavaException,
  JavaExceptionFrame,
  Sentinel,
  SignatureDetails,
  SignatureExtra,
  SignatureInput,
  SignatureListName,
  SignatureListOptions,
  SignatureLists,
  SignatureOptions,
  SignatureOutput,
  SignatureRule,
  StackFrame as SignatureStackFrame,
  StackThread as SignatureStackThread,
  UnloadedModule as SignatureUnloadedModule,
} from './signature/index.js';
export {
  debugFileLeaf,
  normalizeDebugId,
  symbolKey,
  symFileName,
} from './symbols/layout.js';
export type { SymbolKey } from './symbols/layout.js';
export { readModuleLine } from './symbols/module-record.js';
export type { SymbolModule } from './symbols/module-record.js';
export {
  GridFsSymbolStore,
  InvalidSymbolFileError,
} from './symbols/gridfs-store.js';
export type {
  GridFsSymbolStoreOptions,
  ListedSymbolFile,
  StoredSymbolFile,
} from './symbols/gridfs-store.js';
export {
  MissingSymbolsStorage,
  modulesMissingSymbols,
} from './missing-symbols.js';
export type { MissingSymbolDocument } from './missing-symbols.js';
export {
  closeHttpServer,
  closeOnSignals,
  connectNatsLogged,
  exitOnCrash,
  listenHttp,
  runShutdownSteps,
  splitSetting,
} from './service.js';
export type { ListeningServer } from './service.js';
export { runComponent } from './component.js';
export type {
  ComponentContext,
  ComponentSpec,
  SharedConfig,
  StartedComponent,
} from './component.js';
export { originalKeys, storableKeys } from './document-keys.js';
export { parsedThrottleRules, parseThrottleRules } from './throttle-rules.js';
export type {
  ParsedThrottleCondition,
  ParsedThrottleRule,
  ThrottleRule,
} from './throttle-rules.js';
