import { execFile } from 'node:child_process';
import { generateKeyPair, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { opensslBinary } from './binaries.js';
import { LOOPBACK } from './free-port.js';

const run = promisify(execFile);
const generateKeyPairAsync = promisify(generateKeyPair);

/** The user every credential of the test control plane authenticates as. */
export const KUBE_ADMIN_USER = 'admin';

/** The group that RBAC's bootstrap policy binds to cluster-admin. */
const ADMIN_GROUP = 'system:masters';

/** How long the generated certificates are valid. */
const VALID_DAYS = 7;

/** Where the files of one throwaway PKI live, all inside `dir`. */
export interface KubePkiFiles {
  readonly dir: string;
  /** Self-signed CA that signed both certificates below. */
  readonly caCert: string;
  readonly caKey: string;
  /** Serving pair for 127.0.0.1 and localhost, for every server. */
  readonly servingCert: string;
  readonly servingKey: string;
  /** Client pair for the admin user, in `system:masters`. */
  readonly adminCert: string;
  readonly adminKey: string;
  /** RSA pair that signs and verifies service-account tokens. */
  readonly serviceAccountKey: string;
  readonly serviceAccountPublicKey: string;
  /** The apiserver's static token file, with one token for the admin. */
  readonly tokens: string;
}

/** The PEM contents and admin token a client needs. */
export interface KubeCredentials {
  readonly caPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  readonly token: string;
}

/** The file names of a PKI in `dir`; nothing is read or written. */
export function kubePkiFiles(dir: string): KubePkiFiles {
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    servingCert: join(dir, 'serving.crt'),
    servingKey: join(dir, 'serving.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey: join(dir, 'service-account.key'),
    serviceAccountPublicKey: join(dir, 'service-account.pub'),
    tokens: join(dir, 'tokens.csv'),
  };
}

/** An openssl `req` config: the subject and the X.509v3 extensions. */
function requestConfig(
  subject: Readonly<Record<string, string>>,
  extensions: Readonly<Record<string, string>>,
): string {
  const lines = (entries: Readonly<Record<string, string>>): string[] =>
    Object.entries(entries).map(([key, value]) => `${key} = ${value}`);
  return [
    '[req]',
    'prompt = no',
    'distinguished_name = subject',
    'x509_extensions = extensions',
    '[subject]',
    ...lines(subject),
    '[extensions]',
    ...lines(extensions),
    '',
  ].join('\n');
}

/**
 * Writes a new P-256 key to `keyPath` and a certificate for it to
 * `certPath`: self-signed without `issuer`, else signed by that CA.
 */
async function issue(
  openssl: string,
  configText: string,
  keyPath: string,
  certPath: string,
  issuer?: { readonly cert: string; readonly key: string },
): Promise<void> {
  const configPath = `${certPath}.cnf`;
  await writeFile(configPath, configText);
  await run(openssl, [
    'req',
    '-x509',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-noenc',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    String(VALID_DAYS),
    '-config',
    configPath,
    ...(issuer ? ['-CA', issuer.cert, '-CAkey', issuer.key] : []),
  ]);
}

async function writeServiceAccountKeys(files: KubePkiFiles): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  await writeFile(files.serviceAccountKey, privateKey, { mode: 0o600 });
  await writeFile(files.serviceAccountPublicKey, publicKey);
}

/** Issues the CA, then the serving and admin certificates it signs. */
async function writeCertificates(files: KubePkiFiles): Promise<void> {
  const openssl = await opensslBinary();
  await issue(
    openssl,
    requestConfig(
      { CN: 'crashstats-test-ca' },
      {
        basicConstraints: 'critical, CA:TRUE',
        keyUsage: 'critical, keyCertSign, cRLSign, digitalSignature',
        subjectKeyIdentifier: 'hash',
      },
    ),
    files.caKey,
    files.caCert,
  );
  const ca = { cert: files.caCert, key: files.caKey };
  await Promise.all([
    issue(
      openssl,
      requestConfig(
        { CN: 'crashstats-test-server' },
        {
          basicConstraints: 'critical, CA:FALSE',
          keyUsage: 'critical, digitalSignature, keyEncipherment',
          extendedKeyUsage: 'serverAuth',
          subjectAltName: `IP:${LOOPBACK}, DNS:localhost`,
        },
      ),
      files.servingKey,
      files.servingCert,
      ca,
    ),
    issue(
      openssl,
      requestConfig(
        { CN: KUBE_ADMIN_USER, O: ADMIN_GROUP },
        {
          basicConstraints: 'critical, CA:FALSE',
          keyUsage: 'critical, digitalSignature',
          extendedKeyUsage: 'clientAuth',
        },
      ),
      files.adminKey,
      files.adminCert,
      ca,
    ),
  ]);
}

/**
 * Creates a throwaway PKI in `dir` with the `openssl` binary: a CA, a
 * serving certificate for 127.0.0.1 and localhost, an admin client
 * certificate in `system:masters`, a service-account key pair, and a static
 * token file with one random admin token.
 *
 * @param dir - Folder to create; its parent must exist.
 * @returns The PEM texts and the token, for clients.
 */
export async function createKubePki(dir: string): Promise<KubeCredentials> {
  const files = kubePkiFiles(dir);
  await mkdir(dir, { mode: 0o700 });
  await Promise.all([writeCertificates(files), writeServiceAccountKeys(files)]);

  const token = randomBytes(24).toString('hex');
  // token,user,uid,"groups": the format of --token-auth-file.
  await writeFile(
    files.tokens,
    `${token},${KUBE_ADMIN_USER},${KUBE_ADMIN_USER},"${ADMIN_GROUP}"\n`,
    { mode: 0o600 },
  );
  const [caPem, clientCertPem, clientKeyPem] = await Promise.all([
    readFile(files.caCert, 'utf8'),
    readFile(files.adminCert, 'utf8'),
    readFile(files.adminKey, 'utf8'),
  ]);
  return { caPem, clientCertPem, clientKeyPem, token };
}
