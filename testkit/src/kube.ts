import { writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';

import {
  etcdBinary,
  kubeApiserverBinary,
  kubeControllerManagerBinary,
} from './binaries.js';
import { LOOPBACK, freePort } from './free-port.js';
import {
  KUBE_ADMIN_USER,
  createKubePki,
  kubePkiFiles,
  type KubeCredentials,
} from './kube-pki.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/**
 * Controllers kube-controller-manager runs unless told otherwise: the ones
 * that act on API objects alone. Without a scheduler and kubelets, Pods are
 * created but stay Pending.
 */
export const DEFAULT_KUBE_CONTROLLERS: readonly string[] = [
  'garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'clusterrole-aggregation-controller',
  'deployment-controller',
  'replicaset-controller',
  'statefulset-controller',
  'job-controller',
  'cronjob-controller',
];

/** Options for {@link startKube}. */
export interface KubeOptions {
  /**
   * Also run kube-controller-manager, for tests that need garbage
   * collection, Deployments that make ReplicaSets and Pods, or namespaces
   * that finish deleting. Off by default: it adds a few seconds.
   */
  readonly controllerManager?: boolean;
  /** Controllers to run; {@link DEFAULT_KUBE_CONTROLLERS} by default. */
  readonly controllers?: readonly string[];
}

/** Options for {@link KubeControlPlane.request}. */
export interface KubeRequestOptions {
  /** HTTP method; GET by default. */
  readonly method?: string;
  /** Request body, sent as JSON. */
  readonly body?: unknown;
  /** Content type of the body; `application/json` by default. */
  readonly contentType?: string;
  /** How long to wait for the whole response; 30 000 ms by default. */
  readonly timeoutMs?: number;
}

/** What {@link KubeControlPlane.request} got back. */
export interface KubeResponse {
  readonly status: number;
  /** The body parsed as JSON when it is JSON, else its text. */
  readonly body: unknown;
}

/** A running etcd, kube-apiserver and maybe kube-controller-manager. */
export interface KubeControlPlane extends AsyncDisposable {
  /** The apiserver's URL, `https://127.0.0.1:PORT`. */
  readonly server: string;
  /**
   * A kubeconfig for the admin user (client certificate, `system:masters`)
   * with the CA and credentials embedded; context `crashstats-test`,
   * namespace `default`.
   */
  readonly kubeconfigPath: string;
  /** The CA that signed the serving and client certificates. */
  readonly caPem: string;
  /** Bearer token of the admin user, in `system:masters`. */
  readonly token: string;
  /** Client certificate and key of the admin user. */
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  /** etcd's client URL, `http://127.0.0.1:PORT`. */
  readonly etcdUrl: string;
  /** Whether kube-controller-manager runs. */
  readonly controllerManager: boolean;
  /** Calls the apiserver as the admin user, with the bearer token. */
  request(path: string, options?: KubeRequestOptions): Promise<KubeResponse>;
  /** The last lines each server logged, one section per server. */
  output(): string;
  /**
   * Stops the apiserver and starts it again on the same port, against the
   * same etcd; resolves once `/readyz` answers 200 again.
   */
  restartApiserver(): Promise<void>;
  /** Stops every server started here and removes their folders. */
  [Symbol.asyncDispose](): Promise<void>;
}

const ETCD_READY_MS = 30_000;
const APISERVER_READY_MS = 120_000;
const CONTROLLER_MANAGER_READY_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 3;
const CHECK_TIMEOUT_MS = 5000;
const REQUEST_TIMEOUT_MS = 30_000;
const CONTEXT_NAME = 'crashstats-test';
const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24';

/** What the HTTPS client sends: the server's CA and, maybe, a token. */
interface HttpsRequest {
  readonly url: string;
  readonly caPem: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: string | undefined;
  readonly timeoutMs: number;
}

/** Sends one HTTPS request on its own connection and reads the response. */
async function sendHttps(
  req: HttpsRequest,
): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(
      req.url,
      {
        method: req.method,
        ca: req.caPem,
        headers: req.headers,
        agent: false,
        timeout: req.timeoutMs,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            type: response.headers['content-type'] ?? '',
            text,
          }),
        );
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(
        new Error(`${req.method} ${req.url}: no answer in ${req.timeoutMs} ms`),
      ),
    );
    outgoing.on('error', reject);
    outgoing.end(req.payload);
  });
}

/** Whether an HTTPS health endpoint answers 200; rejects when unreachable. */
async function answersOk(url: string, caPem: string): Promise<boolean> {
  const { status } = await sendHttps({
    url,
    caPem,
    method: 'GET',
    headers: {},
    payload: undefined,
    timeoutMs: CHECK_TIMEOUT_MS,
  });
  return status === 200;
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** A kubeconfig (JSON is YAML too) with everything embedded. */
function kubeconfigText(server: string, credentials: KubeCredentials): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: CONTEXT_NAME,
        cluster: {
          server,
          'certificate-authority-data': base64(credentials.caPem),
        },
      },
    ],
    users: [
      {
        name: KUBE_ADMIN_USER,
        user: {
          'client-certificate-data': base64(credentials.clientCertPem),
          'client-key-data': base64(credentials.clientKeyPem),
        },
      },
    ],
    contexts: [
      {
        name: CONTEXT_NAME,
        context: {
          cluster: CONTEXT_NAME,
          user: KUBE_ADMIN_USER,
          namespace: 'default',
        },
      },
    ],
    'current-context': CONTEXT_NAME,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Starts a single-member etcd with fsync off, on a given peer port. */
async function startEtcdOn(peerPort: number): Promise<ServerProcess> {
  const peerUrl = `http://${LOOPBACK}:${peerPort}`;
  return startServerProcess({
    name: 'etcd',
    command: await etcdBinary(),
    args: ({ port, dataDir }) => {
      const clientUrl = `http://${LOOPBACK}:${port}`;
      return [
        `--data-dir=${join(dataDir, 'data')}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=default=${peerUrl}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ];
    },
    isReady: async ({ port }) => {
      const response = await fetch(`http://${LOOPBACK}:${port}/health`, {
        signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      });
      const health = (await response.json()) as { health?: string };
      return response.ok && health.health === 'true';
    },
    readyTimeoutMs: ETCD_READY_MS,
  });
}

/**
 * Starts etcd on free client and peer ports. The client port is retried by
 * the process helper when taken; the peer port is retried here.
 */
async function startEtcd(): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEtcdOn(await freePort());
    } catch (error) {
      const taken =
        error instanceof Error && /address already in use/.test(error.message);
      if (!taken || attempt >= START_ATTEMPTS) {
        throw error;
      }
    }
  }
}

/** The apiserver and the credentials created for it in its data folder. */
interface Apiserver {
  readonly child: ServerProcess;
  readonly credentials: KubeCredentials;
}

/**
 * kube-apiserver flags: loopback only, RBAC, the generated PKI, and no
 * priority-and-fairness or profiling, which tests do not use. The
 * ServiceAccount admission plugin is off, since without the controller
 * manager no namespace gets its `default` service account.
 */
function apiserverArgs(
  etcdUrl: string,
  port: number,
  dataDir: string,
): string[] {
  const pki = kubePkiFiles(join(dataDir, 'pki'));
  return [
    `--etcd-servers=${etcdUrl}`,
    `--bind-address=${LOOPBACK}`,
    `--advertise-address=${LOOPBACK}`,
    `--secure-port=${port}`,
    `--cert-dir=${join(dataDir, 'certs')}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--token-auth-file=${pki.tokens}`,
    '--authorization-mode=RBAC',
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    `--service-account-issuer=https://${LOOPBACK}:${port}`,
    `--service-account-key-file=${pki.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--allow-privileged=true',
    '--disable-admission-plugins=ServiceAccount',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
  ];
}

async function startApiserver(etcdUrl: string): Promise<Apiserver> {
  let credentials: KubeCredentials | undefined;
  const child = await startServerProcess({
    name: 'kube-apiserver',
    command: await kubeApiserverBinary(),
    args: ({ port, dataDir }) => apiserverArgs(etcdUrl, port, dataDir),
    prepare: async ({ dataDir }) => {
      credentials = await createKubePki(join(dataDir, 'pki'));
    },
    isReady: ({ port }) =>
      answersOk(`https://${LOOPBACK}:${port}/readyz`, credentials?.caPem ?? ''),
    readyTimeoutMs: APISERVER_READY_MS,
    stopTimeoutMs: STOP_TIMEOUT_MS,
  });
  if (credentials === undefined) {
    throw new Error('kube-apiserver started without its certificates');
  }
  return { child, credentials };
}

async function startControllerManager(
  apiserverDataDir: string,
  kubeconfigPath: string,
  controllers: readonly string[],
  caPem: string,
): Promise<ServerProcess> {
  const pki = kubePkiFiles(join(apiserverDataDir, 'pki'));
  return startServerProcess({
    name: 'kube-controller-manager',
    command: await kubeControllerManagerBinary(),
    args: ({ port }) => [
      `--kubeconfig=${kubeconfigPath}`,
      `--authentication-kubeconfig=${kubeconfigPath}`,
      `--authorization-kubeconfig=${kubeconfigPath}`,
      `--controllers=${controllers.join(',')}`,
      '--leader-elect=false',
      `--bind-address=${LOOPBACK}`,
      `--secure-port=${port}`,
      `--tls-cert-file=${pki.servingCert}`,
      `--tls-private-key-file=${pki.servingKey}`,
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.caCert}`,
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      '--use-service-account-credentials=false',
      '--authentication-skip-lookup',
      '--profiling=false',
    ],
    isReady: ({ port }) =>
      answersOk(`https://${LOOPBACK}:${port}/healthz`, caPem),
    readyTimeoutMs: CONTROLLER_MANAGER_READY_MS,
    stopTimeoutMs: STOP_TIMEOUT_MS,
  });
}

/** Disposes the servers last-started first; then reports any failures. */
async function disposeInReverse(
  servers: readonly ServerProcess[],
): Promise<void> {
  const errors: unknown[] = [];
  for (const server of [...servers].reverse()) {
    try {
      await server.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) {
    throw new AggregateError(errors, 'Some Kubernetes servers failed to stop');
  }
}

function parseBody(type: string, text: string): unknown {
  if (!type.includes('json') || text === '') {
    return text;
  }
  return JSON.parse(text) as unknown;
}

/**
 * Starts a Kubernetes control plane on loopback: etcd, kube-apiserver and,
 * when asked, kube-controller-manager, each on free ports with its own temp
 * folder. A throwaway CA signs the serving certificate and an admin client
 * certificate; a static token authenticates the same admin user. Resolves
 * once the apiserver's `/readyz` (and the controller manager's `/healthz`)
 * answers 200, with a kubeconfig written for the admin.
 *
 * @param options - Whether to run the controller manager, and which
 *   controllers.
 * @returns A handle to call, restart and dispose the control plane.
 */
export async function startKube(
  options: KubeOptions = {},
): Promise<KubeControlPlane> {
  const started: ServerProcess[] = [];
  try {
    const etcd = await startEtcd();
    started.push(etcd);
    const etcdUrl = `http://${LOOPBACK}:${etcd.port}`;
    const { child: apiserver, credentials } = await startApiserver(etcdUrl);
    started.push(apiserver);
    const server = `https://${LOOPBACK}:${apiserver.port}`;
    const kubeconfigPath = join(apiserver.dataDir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfigText(server, credentials), {
      mode: 0o600,
    });
    if (options.controllerManager) {
      started.push(
        await startControllerManager(
          apiserver.dataDir,
          kubeconfigPath,
          options.controllers ?? DEFAULT_KUBE_CONTROLLERS,
          credentials.caPem,
        ),
      );
    }
    return {
      server,
      kubeconfigPath,
      ...credentials,
      etcdUrl,
      controllerManager: options.controllerManager === true,
      request: async (path, request = {}) => {
        const payload =
          request.body === undefined ? undefined : JSON.stringify(request.body);
        const headers: Record<string, string> = {
          accept: 'application/json',
          authorization: `Bearer ${credentials.token}`,
        };
        if (payload !== undefined) {
          headers['content-type'] = request.contentType ?? 'application/json';
        }
        const { status, type, text } = await sendHttps({
          url: new URL(path, server).href,
          caPem: credentials.caPem,
          method: request.method ?? 'GET',
          headers,
          payload,
          timeoutMs: request.timeoutMs ?? REQUEST_TIMEOUT_MS,
        });
        return { status, body: parseBody(type, text) };
      },
      output: () =>
        started.map((one) => `--- ${one.name} ---\n${one.output()}`).join('\n'),
      restartApiserver: async () => {
        await apiserver.stop();
        await apiserver.start();
      },
      [Symbol.asyncDispose]: () => disposeInReverse(started),
    };
  } catch (error) {
    await disposeInReverse(started).catch(() => undefined);
    throw error;
  }
}
