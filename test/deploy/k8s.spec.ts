import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { appsWithMain, parseDockerfile, read, root, stagesOf } from './helpers';
import { schemaErrors, unknownFields } from './k8s-schema';
import { kustomize, loadYaml, Manifest } from './kustomize';

/**
 * Static checks of the Kubernetes deliverables: deploy/k8s (kustomize base and overlays) and
 * deploy/nats/values.yaml. Nothing runs against a cluster: the kustomizations are rendered here
 * (./kustomize.ts), every manifest is validated against the Kubernetes API schemas offline
 * (./k8s-schema.ts), and the properties a platform team relies on are asserted on the result.
 */

// ----- rendering and accessors --------------------------------------------------------------

const BUILDS = {
  base: 'deploy/k8s/base',
  dev: 'deploy/k8s/overlays/dev',
  prod: 'deploy/k8s/overlays/prod',
};
type Build = keyof typeof BUILDS;

const cache = new Map<Build, Manifest[]>();
function render(build: Build): Manifest[] {
  if (!cache.has(build)) cache.set(build, kustomize(path.join(root, BUILDS[build])));
  return cache.get(build) ?? [];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are checked field by field */
type Any = any;

const ofKind = (ms: Manifest[], kind: string): Any[] => ms.filter((m) => m.kind === kind);
const named = (ms: Manifest[], kind: string, name: string): Any =>
  ms.find((m) => m.kind === kind && m.metadata.name === name);

/** The pod spec of a Deployment (or Job). */
const podOf = (workload: Any): Any => workload.spec?.template?.spec ?? {};
const podLabelsOf = (workload: Any): Record<string, string> =>
  workload.spec?.template?.metadata?.labels ?? {};
const containersOf = (workload: Any): Any[] => podOf(workload).containers ?? [];
const envOf = (container: Any): Record<string, Any> =>
  Object.fromEntries((container.env ?? []).map((e: Any) => [e.name, e]));

/** Does a label selector (matchLabels only, as these manifests use) select these labels? */
function selects(selector: Any, labels: Record<string, string>): boolean {
  const match: Record<string, string> = selector?.matchLabels ?? selector ?? {};
  if (selector?.matchExpressions?.length) throw new Error('matchExpressions not supported here');
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

/** A container's port number for a probe/NetworkPolicy/Service port given by name or number. */
function portNumber(container: Any, port: string | number): number | undefined {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((p: Any) => p.name === port)?.containerPort;
}

const UNITS: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};
/** A Kubernetes quantity ("250m", "1", "512Mi") as a number; NaN when malformed. */
function quantity(q: unknown): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(String(q ?? ''));
  if (!m || (m[2] && !(m[2] in UNITS))) return NaN;
  return Number(m[1]) * (m[2] ? UNITS[m[2]] : 1);
}

/** Variables the services treat as secrets (never logged); they must come from the Secret. */
function secretKeys(): string[] {
  const source = read('libs/common/src/config/config.ts');
  const block = /SECRET_KEYS = new Set\(\[([^\]]*)\]/.exec(source)?.[1] ?? '';
  return [...block.matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]);
}

/** Non-test TypeScript sources of one app. */
function appSources(app: string): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(e.name)) {
        out.push(readFileSync(p, 'utf8'));
      }
    }
  };
  walk(path.join(root, 'apps', app, 'src'));
  return out.join('\n');
}

/** `*.metrics.ts` files under a directory (relative to the repository root). */
function metricsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...metricsFiles(p));
    else if (e.name.endsWith('.metrics.ts')) out.push(p);
  }
  return out;
}

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

const hasDatabase = (app: string) =>
  /forService\(\{[^}]*\bdatabase:/.test(read(`apps/${app}/src/app.module.ts`));

// ----- every build: base, dev, prod --------------------------------------------------------

describe.each(Object.keys(BUILDS) as Build[])('deploy/k8s %s', (build) => {
  const manifests = () => render(build);
  const deployments = () => ofKind(manifests(), 'Deployment');

  it('renders: every resource and patch exists, every patch lands, nothing unsupported', () => {
    expect(() => render(build)).not.toThrow();
    expect(manifests().length).toBeGreaterThan(0);
    const names = manifests().map(
      (m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`,
    );
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  // The renderer here is checked against the real one where kubectl is installed (not needed).
  (hasKubectl ? it : it.skip)('renders as `kubectl kustomize` does', () => {
    const run = spawnSync('kubectl', ['kustomize', path.join(root, BUILDS[build])], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const theirs = parseAllDocuments(run.stdout).map((d) => d.toJS() as Manifest);
    const byName = (ms: Manifest[]) =>
      Object.fromEntries(ms.map((m) => [`${m.kind}/${m.metadata.name}`, m]));
    expect(byName(manifests())).toEqual(byName(theirs));
  });

  it('every manifest is valid against the Kubernetes API schema of its kind', () => {
    expect(schemaErrors(manifests())).toEqual([]);
  });

  it('no manifest has a field the Kubernetes API does not define', () => {
    expect(unknownFields(manifests())).toEqual([]);
  }, 30_000);

  it('every service in apps/ has a Deployment, a Service and a PodDisruptionBudget', () => {
    const ms = manifests();
    const problems: string[] = [];
    for (const app of appsWithMain()) {
      const deployment = named(ms, 'Deployment', app);
      if (!deployment) {
        problems.push(`${app}: no Deployment`);
        continue;
      }
      const labels = podLabelsOf(deployment);
      if (!selects(deployment.spec.selector, labels))
        problems.push(`${app}: selector ≠ pod labels`);
      const service = named(ms, 'Service', app);
      if (!service) problems.push(`${app}: no Service`);
      else if (!selects(service.spec.selector, labels))
        problems.push(`${app}: Service misses pods`);
      const pdb = ofKind(ms, 'PodDisruptionBudget').find((p) => selects(p.spec.selector, labels));
      if (!pdb) problems.push(`${app}: no PodDisruptionBudget`);
      else if (pdb.spec.minAvailable === undefined && pdb.spec.maxUnavailable === undefined) {
        problems.push(`${app}: PodDisruptionBudget sets neither minAvailable nor maxUnavailable`);
      }
    }
    // And nothing is deployed that is not an app.
    for (const d of deployments()) {
      if (!appsWithMain().includes(d.metadata.name))
        problems.push(`${d.metadata.name}: not an app`);
    }
    expect(problems).toEqual([]);
  });

  it('every container is probed on /health/live and /health/ready at its own PORT', () => {
    const problems: string[] = [];
    for (const d of deployments()) {
      for (const c of containersOf(d)) {
        const where = `${d.metadata.name}/${c.name}`;
        const port = Number(envOf(c).PORT?.value);
        if (!port) problems.push(`${where}: PORT not set`);
        for (const [probe, route] of [
          ['livenessProbe', '/health/live'],
          ['readinessProbe', '/health/ready'],
        ] as const) {
          const get = c[probe]?.httpGet;
          if (get?.path !== route) problems.push(`${where}: ${probe} is not GET ${route}`);
          else if (portNumber(c, get.port) !== port)
            problems.push(`${where}: ${probe} port ≠ PORT`);
        }
        const startup = c.startupProbe?.httpGet;
        if (startup && portNumber(c, startup.port) !== port) {
          problems.push(`${where}: startupProbe port ≠ PORT`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every container requests and limits cpu and memory, limits at or above requests', () => {
    const problems: string[] = [];
    for (const d of deployments()) {
      for (const c of containersOf(d)) {
        for (const resource of ['cpu', 'memory']) {
          const request = quantity(c.resources?.requests?.[resource]);
          const limit = quantity(c.resources?.limits?.[resource]);
          if (!(request > 0 && limit > 0)) problems.push(`${d.metadata.name}: ${resource} unset`);
          else if (limit < request)
            problems.push(`${d.metadata.name}: ${resource} limit < request`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every pod runs as the non-root node user, read-only and without privileges', () => {
    const problems: string[] = [];
    for (const d of deployments()) {
      const pod = podOf(d);
      const where = d.metadata.name;
      if (pod.securityContext?.runAsNonRoot !== true)
        problems.push(`${where}: pod may run as root`);
      if (pod.securityContext?.runAsUser !== 1000) problems.push(`${where}: pod user is not 1000`);
      if (!(pod.terminationGracePeriodSeconds >= 10)) problems.push(`${where}: no grace period`);
      const tmp = (pod.volumes ?? []).find((v: Any) => v.emptyDir);
      for (const c of containersOf(d)) {
        const sc = c.securityContext ?? {};
        if (sc.runAsNonRoot !== true) problems.push(`${where}/${c.name}: runAsNonRoot not true`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: privilege escalation`);
        if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem writable`);
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: capabilities`);
        if (sc.privileged || sc.runAsUser === 0) problems.push(`${where}: privileged`);
        const mount = (c.volumeMounts ?? []).find((v: Any) => v.mountPath === '/tmp');
        if (!tmp || mount?.name !== tmp.name) problems.push(`${where}: /tmp is not an emptyDir`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('settings come from the ConfigMap parley-config, secrets from parley-secrets by reference', () => {
    const ms = manifests();
    const secrets = secretKeys();
    expect(secrets).toEqual(expect.arrayContaining(['PARLEY_ADMIN_KEY', 'DATABASE_URL']));
    const problems: string[] = [];

    const config = named(ms, 'ConfigMap', 'parley-config');
    if (!config) problems.push('ConfigMap parley-config is not rendered');
    for (const [key, value] of Object.entries<string>(config?.data ?? {})) {
      if (secrets.includes(key)) problems.push(`parley-config holds the secret ${key}`);
      if (/:\/\/[^/@\s]+:[^/@\s]*@/.test(value))
        problems.push(`parley-config ${key} has a password`);
    }
    // No Secret with values in the repository: parley-secrets is created beside the manifests.
    for (const s of ofKind(ms, 'Secret')) {
      if (Object.keys({ ...s.data, ...s.stringData }).length) {
        problems.push(`Secret ${s.metadata.name} carries values`);
      }
    }

    for (const d of deployments()) {
      for (const c of containersOf(d)) {
        const where = d.metadata.name;
        const refs = (c.envFrom ?? []).map((e: Any) => e.configMapRef?.name ?? e.secretRef?.name);
        if (!refs.includes('parley-config')) problems.push(`${where}: no envFrom parley-config`);
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (secrets.includes(e.name) && !(ref?.name === 'parley-secrets' && ref.key === e.name)) {
            problems.push(`${where}: ${e.name} is not read from parley-secrets`);
          }
          if (e.value !== undefined && /KEY|SECRET|PASSWORD|TOKEN/.test(e.name)) {
            problems.push(`${where}: ${e.name} is written inline`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('each service gets the secrets its code reads, and the database URL only if it has one', () => {
    const problems: string[] = [];
    for (const app of appsWithMain()) {
      const d = named(manifests(), 'Deployment', app);
      if (!d) continue; // reported above
      const env = Object.assign({}, ...containersOf(d).map(envOf));
      // The secrets an app reads itself (the infrastructure URLs are read by libs/common).
      const sources = appSources(app);
      const wanted = secretKeys().filter((k) => k.startsWith('PARLEY_') && sources.includes(k));
      for (const key of wanted) {
        if (!env[key]?.valueFrom?.secretKeyRef) problems.push(`${app}: ${key} not wired`);
      }
      if (hasDatabase(app) !== Boolean(env.DATABASE_URL)) {
        problems.push(
          `${app}: DATABASE_URL ${env.DATABASE_URL ? 'given without' : 'missing for'} a database`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it('only the gateway is exposed: one Ingress with TLS and WebSocket timeouts, no other way in', () => {
    const ms = manifests();
    const ingresses = ofKind(ms, 'Ingress');
    expect(ingresses.map((i) => i.metadata.name)).toEqual(['gateway']);
    const [ingress] = ingresses;
    const backends = [
      ...(ingress.spec.rules ?? []).flatMap((r: Any) => r.http?.paths ?? []),
      ...(ingress.spec.defaultBackend ? [ingress.spec.defaultBackend] : []),
    ].map((p: Any) => p.backend?.service?.name ?? p.service?.name);
    expect(backends.length).toBeGreaterThan(0);
    expect(new Set(backends)).toEqual(new Set(['gateway']));

    // Every host served over TLS from a named certificate Secret.
    const hosts = (ingress.spec.rules ?? []).map((r: Any) => r.host);
    const tlsHosts = (ingress.spec.tls ?? []).flatMap((t: Any) => (t.secretName ? t.hosts : []));
    expect(hosts.filter((h: string) => !tlsHosts.includes(h))).toEqual([]);

    // ingress-nginx closes a proxied WebSocket after its idle timeout (60 s unless raised).
    const annotations = ingress.metadata.annotations ?? {};
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      expect(Number(annotations[`nginx.ingress.kubernetes.io/${key}`])).toBeGreaterThanOrEqual(
        3600,
      );
    }

    const exposed = ofKind(ms, 'Service').filter((s) =>
      ['LoadBalancer', 'NodePort'].includes(s.spec.type),
    );
    expect(exposed).toEqual([]);
  });

  it('network policies: ingress denied by default; only the gateway admits the ingress controller', () => {
    const ms = manifests();
    const policies = ofKind(ms, 'NetworkPolicy');
    const ingressPolicies = policies.filter((p) =>
      (p.spec.policyTypes ?? ['Ingress']).includes('Ingress'),
    );
    const defaultDeny = ingressPolicies.find(
      (p) => !Object.keys(p.spec.podSelector ?? {}).length && !(p.spec.ingress ?? []).length,
    );
    expect(defaultDeny).toBeDefined();

    const problems: string[] = [];
    for (const d of deployments()) {
      const app = d.metadata.name;
      const [container] = containersOf(d);
      const port = Number(envOf(container).PORT?.value);
      const rules = ingressPolicies
        .filter((p) => selects(p.spec.podSelector, podLabelsOf(d)))
        .flatMap((p) => p.spec.ingress ?? []);
      const peers = rules.flatMap((r: Any) => r.from ?? [{ anywhere: true }]);
      if (peers.some((peer: Any) => peer.anywhere || peer.ipBlock)) {
        problems.push(`${app}: open to any address`);
      }
      const namespaces = peers
        .map((peer: Any) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'])
        .filter(Boolean);
      const fromIngress = namespaces.includes('ingress-nginx');
      if (fromIngress !== (app === 'gateway')) {
        problems.push(`${app}: ingress controller ${fromIngress ? 'allowed' : 'not allowed'}`);
      }
      if (!namespaces.includes('monitoring')) problems.push(`${app}: Prometheus cannot scrape`);
      const sameNamespace = peers.some(
        (peer: Any) =>
          peer.podSelector && !peer.namespaceSelector && !Object.keys(peer.podSelector).length,
      );
      if (!sameNamespace) problems.push(`${app}: not reachable from its namespace`);
      for (const r of rules) {
        for (const p of r.ports ?? []) {
          if (portNumber(container, p.port) !== port) problems.push(`${app}: opens port ${p.port}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('network policies: pods reach DNS, NATS, PostgreSQL and Redis', () => {
    const problems: string[] = [];
    const egressPolicies = ofKind(manifests(), 'NetworkPolicy').filter((p) =>
      (p.spec.policyTypes ?? []).includes('Egress'),
    );
    for (const d of deployments()) {
      const allowed = egressPolicies
        .filter((p) => selects(p.spec.podSelector, podLabelsOf(d)))
        .flatMap((p) => p.spec.egress ?? [])
        .flatMap((r: Any) => (r.ports ?? []).map((p: Any) => `${p.protocol ?? 'TCP'}/${p.port}`));
      if (!egressPolicies.some((p) => selects(p.spec.podSelector, podLabelsOf(d)))) continue;
      for (const needed of ['UDP/53', 'TCP/4222', 'TCP/5432', 'TCP/6379']) {
        if (!allowed.includes(needed)) problems.push(`${d.metadata.name}: no egress ${needed}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the autoscaler drives the gateway Deployment, which leaves the replica count to it', () => {
    const ms = manifests();
    const hpas = ofKind(ms, 'HorizontalPodAutoscaler');
    expect(hpas.length).toBeGreaterThan(0);
    const gatewayHpa = hpas.find((h) => h.spec.scaleTargetRef.name === 'gateway');
    expect(gatewayHpa?.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'gateway',
    });
    expect(gatewayHpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
    expect(gatewayHpa.spec.maxReplicas).toBeGreaterThanOrEqual(gatewayHpa.spec.minReplicas);
    for (const h of hpas) {
      expect(named(ms, h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name)).toBeDefined();
      expect(named(ms, 'Deployment', h.spec.scaleTargetRef.name).spec.replicas).toBeUndefined();
    }
  });

  it('every service runs the one image', () => {
    const images = new Set(deployments().flatMap((d) => containersOf(d).map((c: Any) => c.image)));
    expect(images.size).toBe(1);
  });

  it('a migrations Job migrates every app, and the services wait for it instead of migrating', () => {
    const ms = manifests();
    const job = named(ms, 'Job', 'migrate');
    expect(job).toBeDefined();
    const [container] = containersOf(job);
    // One loop over every built app, so an app added later is migrated without editing the Job.
    expect(container.command.join(' ')).toContain(
      'for main in dist/apps/*/main.js; do node "$main" migrate || exit 1; done',
    );
    expect(container.image).toBe(containersOf(named(ms, 'Deployment', 'gateway'))[0].image);
    expect(podOf(job).restartPolicy).toBe('OnFailure');
    expect(container.resources?.limits?.memory).toBeDefined();
    expect(envOf(container).DATABASE_URL?.valueFrom?.secretKeyRef?.name).toBe('parley-secrets');
    expect(named(ms, 'ConfigMap', 'parley-config')?.data?.MIGRATIONS_RUN).toBe('false');
    for (const d of deployments()) {
      for (const c of containersOf(d)) expect(envOf(c).MIGRATIONS_RUN).toBeUndefined();
    }
  });
});

// ----- the overlays ---------------------------------------------------------------------------

describe.each(['dev', 'prod'] as const)('deploy/k8s overlays/%s', (build) => {
  it('puts everything in its own namespace, which enforces the restricted Pod Security Standard', () => {
    const ms = render(build);
    const namespaces = ofKind(ms, 'Namespace');
    expect(namespaces).toHaveLength(1);
    const [ns] = namespaces;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const elsewhere = ms
      .filter((m) => m.kind !== 'Namespace' && m.metadata.namespace !== ns.metadata.name)
      .map((m) => `${m.kind}/${m.metadata.name}`);
    expect(elsewhere).toEqual([]);
  });

  it('pins the image tag', () => {
    const images = ofKind(render(build), 'Deployment').flatMap((d) =>
      containersOf(d).map((c: Any) => String(c.image)),
    );
    for (const image of images) expect(image).toMatch(/^[^:@]+(:(?!latest$)[\w.-]+|@sha256:\w+)$/);
  });
});

describe('deploy/k8s overlays/prod', () => {
  it('runs at least three gateways and several replicas of every service', () => {
    const ms = render('prod');
    expect(named(ms, 'HorizontalPodAutoscaler', 'gateway').spec.minReplicas).toBeGreaterThanOrEqual(
      3,
    );
    const autoscaled = new Map<string, number>(
      ofKind(ms, 'HorizontalPodAutoscaler').map((h) => [
        h.spec.scaleTargetRef.name,
        h.spec.minReplicas,
      ]),
    );
    for (const d of ofKind(ms, 'Deployment').filter((d) => d.metadata.name !== 'gateway')) {
      const least = autoscaled.get(d.metadata.name) ?? d.spec.replicas;
      expect([d.metadata.name, least >= 2]).toEqual([d.metadata.name, true]);
    }
    const image = containersOf(named(ms, 'Deployment', 'gateway'))[0].image;
    expect(image).not.toMatch(/:dev$/);
  });
});

// ----- the command line the manifests run -----------------------------------------------------

describe('deploy/k8s: the services start from the image command line as the manifests run them', () => {
  const runtime = () => stagesOf(parseDockerfile(read('deploy/Dockerfile'))).at(-1) ?? [];

  /** The final stage's CMD as an argv (exec form), with ${SERVICE} resolved. */
  function commandFor(service: string): string[] {
    const cmd = runtime()
      .filter((i) => i.keyword === 'CMD')
      .at(-1)?.args;
    const argv = JSON.parse(cmd ?? '[]') as string[];
    return argv.map((a) => a.replace(/\$\{SERVICE\}|\$SERVICE\b/g, service));
  }

  it('the image runs dist/apps/$SERVICE/main.js from /app, where the build output is copied', () => {
    const stage = runtime();
    expect(stage.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args).toBe('/app');
    expect(stage.some((i) => i.keyword === 'COPY' && /\/app\/dist \.\/dist$/.test(i.args))).toBe(
      true,
    );
    expect(stage.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
    expect(commandFor('users')).toEqual(['sh', '-c', 'exec node "dist/apps/users/main.js"']);
  });

  it.each(appsWithMain())(
    '%s: the Deployment selects its app by SERVICE and keeps the image command',
    (app) => {
      const d = named(render('base'), 'Deployment', app);
      expect(d).toBeDefined();
      const [container] = containersOf(d);
      // No command or args: the pod runs the image's CMD, the same line `docker run` runs.
      expect(container.command).toBeUndefined();
      expect(container.args).toBeUndefined();
      const service = envOf(container).SERVICE?.value;
      expect(service).toBe(app);
      expect(existsSync(path.join(root, 'apps', service, 'src', 'main.ts'))).toBe(true);
      // build.mjs compiles apps/<app>/src/main.ts to dist/apps/<app>/main.js.
      expect(commandFor(service).join(' ')).toContain(`node "dist/apps/${app}/main.js"`);
      // The port the manifests probe is the one the service listens on by default.
      const defaultPort = /defaultPort:\s*(\d+)/.exec(read(`apps/${app}/src/service.ts`))?.[1];
      expect(envOf(container).PORT?.value).toBe(defaultPort);
    },
  );
});

// ----- deploy/nats/values.yaml ----------------------------------------------------------------

describe('deploy/nats/values.yaml', () => {
  const values = (): Any => parse(read('deploy/nats/values.yaml'));

  it('runs a three-node cluster with JetStream on persistent file storage', () => {
    const { config } = values();
    expect(config.cluster).toEqual(expect.objectContaining({ enabled: true, replicas: 3 }));
    expect(config.jetstream.enabled).toBe(true);
    const file = config.jetstream.fileStore;
    expect(file.enabled).toBe(true);
    expect(file.pvc.enabled).toBe(true);
    expect(quantity(file.pvc.size)).toBeGreaterThan(0);
    if (file.maxSize !== undefined) {
      expect(quantity(file.maxSize)).toBeLessThanOrEqual(quantity(file.pvc.size));
    }
  });

  it('bounds JetStream memory storage below the container memory limit', () => {
    const v = values();
    const memory = v.config.jetstream.memoryStore;
    expect(memory.enabled).toBe(true);
    const limit = quantity(v.container.resources.limits.memory);
    expect(quantity(memory.maxSize)).toBeGreaterThan(0);
    expect(quantity(memory.maxSize)).toBeLessThan(limit);
    expect(quantity(v.container.resources.requests.memory)).toBeGreaterThan(0);
  });

  it('is the NATS the services are pointed at (release "nats" in namespace "nats", port 4222)', () => {
    const port = values().config.nats?.port ?? 4222;
    const config = named(render('base'), 'ConfigMap', 'parley-config');
    expect(config.data.NATS_URL).toBe(`nats://nats.nats.svc.cluster.local:${port}`);
  });
});

// ----- docs/operations.md ----------------------------------------------------------------------

describe('docs/operations.md', () => {
  const doc = () => read('docs/operations.md');

  it('lists every metric the services export', () => {
    // The shared metrics, and each app's own in files named *.metrics.ts.
    const files = [
      'libs/common/src/health/metrics.ts',
      ...appsWithMain().flatMap((app) => metricsFiles(path.join('apps', app, 'src'))),
    ];
    const metrics = files.flatMap((f) => [...read(f).matchAll(/name:\s*'([a-z_]+)'/g)]);
    expect(metrics.length).toBeGreaterThan(0);
    const missing = metrics.map((m) => m[1]).filter((name) => !doc().includes(name));
    expect(missing).toEqual([]);
  });

  it('documents every setting of the ConfigMap and every key of the Secret', () => {
    const ms = render('base');
    const keys = [
      ...Object.keys(named(ms, 'ConfigMap', 'parley-config').data),
      ...ofKind(ms, 'Deployment').flatMap((d) =>
        containersOf(d).flatMap((c: Any) =>
          (c.env ?? []).map((e: Any) => e.valueFrom?.secretKeyRef?.key).filter(Boolean),
        ),
      ),
    ];
    expect(keys.filter((k) => !doc().includes(`\`${k}\``))).toEqual([]);
  });

  it('names every service, the prod overlay and the NATS values', () => {
    const missing = appsWithMain().filter((app) => !doc().includes(`\`${app}\``));
    expect(missing).toEqual([]);
    for (const file of ['deploy/k8s/overlays/prod', 'deploy/nats/values.yaml']) {
      expect(doc()).toContain(file);
    }
  });
});

// The YAML files under deploy/k8s parse on their own too (a file no kustomization lists is an
// orphan and is reported).
describe('deploy/k8s files', () => {
  it('every YAML file is used by a kustomization', () => {
    const listed = new Set<string>();
    const visit = (dir: string) => {
      const k: Any = loadYaml(path.join(dir, 'kustomization.yaml'))[0];
      listed.add(path.join(dir, 'kustomization.yaml'));
      for (const r of k.resources ?? []) {
        const p = path.resolve(dir, r);
        if (existsSync(path.join(p, 'kustomization.yaml'))) visit(p);
        else listed.add(p);
      }
      for (const p of k.patches ?? []) listed.add(path.resolve(dir, p.path));
    };
    visit(path.join(root, BUILDS.dev));
    visit(path.join(root, BUILDS.prod));
    const all: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name)) all.push(p);
      }
    };
    walk(path.join(root, 'deploy/k8s'));
    expect(all.filter((f) => !listed.has(f)).map((f) => path.relative(root, f))).toEqual([]);
  });
});
