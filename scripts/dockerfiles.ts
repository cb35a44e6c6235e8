/**
 * Writes the Dockerfile of every deployable component from one template,
 * so the four images are built the same way and a change to how is made
 * once. `--write` rewrites them; without it, the files on disk are compared
 * with the template and any difference fails (`npm run check` does this).
 * docs/containers.md describes the images.
 */
import { readFileSync, writeFileSync } from 'node:fs';

interface Image {
  /** Workspace folder and image name. */
  readonly component: string;
  /** How prose names it. */
  readonly name: string;
  /** What the image serves, as the header comment's wrapped lines. */
  readonly headline: readonly string[];
  readonly port: number;
  /** The component's commands, when its image carries them. */
  readonly bin?: string;
}

const IMAGES: readonly Image[] = [
  {
    component: 'collector',
    name: 'collector',
    headline: [
      'Image of the CrashStats collector: POST /submit and the Dockerflow',
      'endpoints on port 8000. The build context is the repository root:',
    ],
    port: 8000,
  },
  {
    component: 'processor',
    name: 'processor',
    headline: [
      'Image of the CrashStats processor: the JetStream consumer that walks,',
      'symbolicates and signs crashes, with its Dockerflow endpoints on port',
      '8001. The build context is the repository root:',
    ],
    port: 8001,
    bin: 'The stack walker and signature commands (node processor/bin/<command>.js).',
  },
  {
    component: 'webapp',
    name: 'web app',
    headline: [
      'Image of the CrashStats web app: the REST API under /api/ and the',
      'Dockerflow endpoints on port 8080. The build context is the repository',
      'root:',
    ],
    port: 8080,
    bin: 'The administration command (node webapp/bin/crashstats-admin.js).',
  },
  {
    component: 'operator',
    name: 'operator',
    headline: [
      'Image of the CrashStats operator: the controller of CrashStats resources,',
      'with its health and metrics endpoints on port 8081. The build context is',
      'the repository root:',
    ],
    port: 8081,
  },
];

/** Every workspace's manifest goes into the install stages. */
const WORKSPACES = [
  'common',
  'testkit',
  'collector',
  'processor',
  'webapp',
  'operator',
];

const NODE_IMAGE = 'node:20.20.2-bookworm-slim';

const root = new URL('..', import.meta.url);

function description(component: string): string {
  const pkg = JSON.parse(
    readFileSync(new URL(`${component}/package.json`, root), 'utf8'),
  ) as { description: string };
  return pkg.description;
}

function dockerfile(image: Image): string {
  const c = image.component;
  const bin =
    image.bin === undefined ? '' : `# ${image.bin}\nCOPY ${c}/bin ${c}/bin\n`;
  return `# syntax=docker/dockerfile:1
#
${image.headline.map((line) => `# ${line}`).join('\n')}
#
#   docker build -f ${c}/Dockerfile \\
#     -t registry.example/crashstats/${c}:0.1.0 \\
#     --build-arg VERSION=0.1.0 --build-arg COMMIT="$(git rev-parse HEAD)" .
#
# docs/containers.md describes the images. Generated from
# scripts/dockerfiles.ts: change that, then run it with --write.

# The lockfile and every workspace manifest, so that npm sees the whole
# workspace tree; the install layers below change only when these do.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
${WORKSPACES.map((w) => `COPY ${w}/package.json ${w}/`).join('\n')}

# Runtime dependencies of the ${image.name} and common. npm links the test
# helper workspace even without development dependencies; the image has no
# copy of it, so the link goes. A workspace's own node_modules (where the
# lockfile nests a package version) is made even when empty, so that the
# image copies it whenever it appears.
FROM manifests AS deps
RUN --mount=type=cache,target=/root/.npm \\
    npm ci --omit=dev --ignore-scripts -w common -w ${c} \\
    && rm -f node_modules/@crashstats/testkit \\
    && mkdir -p common/node_modules ${c}/node_modules

# The root's development tools (tsc, Node's types) and both workspaces,
# then the compiled dist/ folders.
FROM manifests AS build
RUN --mount=type=cache,target=/root/.npm \\
    npm ci --ignore-scripts --include-workspace-root -w common -w ${c}
COPY tsconfig.base.json ./
COPY common/tsconfig.build.json common/
COPY common/src common/src
COPY ${c}/tsconfig.build.json ${c}/
COPY ${c}/src ${c}/src
RUN npm run build -w common -w ${c}

FROM ${NODE_IMAGE}
# A numeric user and group: runAsNonRoot can only verify a numeric USER.
RUN groupadd --gid 10001 crashstats \\
    && useradd --uid 10001 --gid 10001 --no-log-init --no-create-home \\
      --home-dir /nonexistent --shell /usr/sbin/nologin crashstats
WORKDIR /app
ENV NODE_ENV=production \\
    VERSION_FILE=/app/version.json
COPY --from=deps /app/node_modules node_modules
COPY --from=deps /app/common/node_modules common/node_modules
COPY --from=deps /app/${c}/node_modules ${c}/node_modules
COPY package.json ./
COPY common/package.json common/
COPY common/data common/data
COPY --from=build /app/common/dist common/dist
COPY ${c}/package.json ${c}/
COPY --from=build /app/${c}/dist ${c}/dist
${bin}
# The build's identity, served at /__version__. VERSION defaults to the
# package's version.
ARG VERSION=""
ARG COMMIT=unknown
ARG SOURCE=unknown
ARG BUILD=unknown
RUN node --eval ' \\
      const e = process.env; \\
      const pkg = require("./${c}/package.json"); \\
      console.log(JSON.stringify({ source: e.SOURCE, \\
        version: e.VERSION || pkg.version, commit: e.COMMIT, \\
        build: e.BUILD }));' >version.json
LABEL org.opencontainers.image.title="crashstats-${c}" \\
      org.opencontainers.image.description="${description(c)}" \\
      org.opencontainers.image.version="\${VERSION}" \\
      org.opencontainers.image.revision="\${COMMIT}" \\
      org.opencontainers.image.source="\${SOURCE}"

USER 10001:10001
EXPOSE ${image.port}
ENTRYPOINT ["node", "${c}/dist/main.js"]
`;
}

const write = process.argv.includes('--write');
const stale: string[] = [];
for (const image of IMAGES) {
  const url = new URL(`${image.component}/Dockerfile`, root);
  const wanted = dockerfile(image);
  if (write) {
    writeFileSync(url, wanted);
    continue;
  }
  let current = '';
  try {
    current = readFileSync(url, 'utf8');
  } catch {
    // A missing file is as stale as a changed one.
  }
  if (current !== wanted) {
    stale.push(`${image.component}/Dockerfile`);
  }
}
if (stale.length > 0) {
  console.error(
    `${stale.join(', ')}: not what scripts/dockerfiles.ts makes; ` +
      'run `node --conditions=source --import tsx scripts/dockerfiles.ts --write`',
  );
  process.exit(1);
}
