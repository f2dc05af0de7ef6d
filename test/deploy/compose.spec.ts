import { parse } from 'yaml';
import { appsWithMain, parseDockerfile, read, stagesOf } from './helpers';

/**
 * Static checks of the container deliverables: docker-compose.yml, deploy/Dockerfile and
 * .dockerignore. Nothing is built or started; these catch a service left out of compose, a
 * copied block not adapted, or an image that would run as root.
 */

// ----- docker-compose.yml -------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?:
    string | { context?: string; dockerfile?: string; args?: Record<string, string> | string[] };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  ports?: unknown[];
  volumes?: (string | { target?: string })[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

const INFRA = ['nats', 'postgres', 'redis'] as const;
const DOCKERFILE = 'deploy/Dockerfile';

function loadCompose(): ComposeFile {
  // Compose resolves YAML merge keys (`<<: *service`); yaml only does when asked.
  return parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
}

const builtFromDockerfile = (s: ComposeService) =>
  typeof s.build === 'object' && s.build.dockerfile === DOCKERFILE;

/** Compose services built from the shared Dockerfile that run the image's command: the services. */
function appServices(compose: ComposeFile): [string, ComposeService][] {
  return Object.entries(compose.services).filter(([, s]) => builtFromDockerfile(s) && !s.command);
}

/** `environment` may be a map or a list of KEY=VALUE. */
function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

function buildArgsOf(service: ComposeService): Record<string, string> {
  if (typeof service.build !== 'object' || !service.build.args) return {};
  const args = service.build.args;
  if (!Array.isArray(args)) return args;
  return Object.fromEntries(args.map((a) => [a.split('=')[0], a.split('=').slice(1).join('=')]));
}

function commandOf(service: ComposeService): string[] {
  const cmd = service.command ?? [];
  return Array.isArray(cmd) ? cmd.map(String) : cmd.split(/\s+/).filter(Boolean);
}

function healthTestOf(service: ComposeService): string {
  const test = service.healthcheck?.test;
  if (service.healthcheck?.disable || !test) return '';
  return Array.isArray(test) ? test.join(' ') : test;
}

describe('docker-compose.yml', () => {
  it('parses as YAML with a map of services', () => {
    const compose = loadCompose();
    expect(compose).toEqual(expect.objectContaining({ services: expect.any(Object) }));
    expect(appServices(compose).length).toBeGreaterThan(0);
  });

  it('every service in apps/ is in docker-compose', () => {
    const compose = loadCompose();
    const missing = appsWithMain().filter((app) => !compose.services[app]);
    expect(missing).toEqual([]);
  });

  it('every service in apps/ is built from deploy/Dockerfile with SERVICE set to its own name', () => {
    const compose = loadCompose();
    const names = new Set([...appsWithMain(), ...appServices(compose).map(([name]) => name)]);
    const problems: string[] = [];
    for (const name of names) {
      const service = compose.services[name];
      if (!service) continue; // reported by the test above
      if (typeof service.build !== 'object' || service.build.dockerfile !== DOCKERFILE) {
        problems.push(`${name}: not built from ${DOCKERFILE}`);
        continue;
      }
      const selected = buildArgsOf(service).SERVICE ?? envOf(service).SERVICE;
      if (selected !== name) problems.push(`${name}: SERVICE is ${selected ?? 'unset'}`);
    }
    expect(problems).toEqual([]);
  });

  it('each service restarts by itself and reports readiness through /health/ready', () => {
    const problems: string[] = [];
    for (const [name, service] of appServices(loadCompose())) {
      if (!['always', 'unless-stopped', 'on-failure'].includes(service.restart ?? 'no')) {
        problems.push(`${name}: restart is ${service.restart ?? 'unset'}`);
      }
      if (!healthTestOf(service).includes('/health/ready')) {
        problems.push(`${name}: healthcheck does not probe /health/ready`);
      }
      // The healthcheck builds its URL from PORT, so PORT must be set on the container.
      if (!/^\d+$/.test(envOf(service).PORT ?? '')) problems.push(`${name}: PORT not set`);
    }
    expect(problems).toEqual([]);
  });

  it('each service starts only once nats, postgres and redis are healthy', () => {
    const problems: string[] = [];
    for (const [name, service] of appServices(loadCompose())) {
      const deps = service.depends_on;
      for (const infra of INFRA) {
        const condition = deps && !Array.isArray(deps) ? deps[infra]?.condition : undefined;
        if (condition !== 'service_healthy') {
          problems.push(
            `${name}: depends_on ${infra} is ${condition ?? 'missing or unconditional'}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every dependency the services wait on has a healthcheck of its own', () => {
    const compose = loadCompose();
    const problems = INFRA.filter((infra) => !healthTestOf(compose.services[infra] ?? {}));
    expect(problems).toEqual([]);
  });

  it('each service is pointed at NATS, Postgres and Redis', () => {
    const problems: string[] = [];
    const shapes: Record<string, RegExp> = {
      NATS_URL: /^nats:\/\//,
      DATABASE_URL: /^postgres(ql)?:\/\//,
      REDIS_URL: /^rediss?:\/\//,
    };
    for (const [name, service] of appServices(loadCompose())) {
      const env = envOf(service);
      for (const [key, shape] of Object.entries(shapes)) {
        if (!shape.test(env[key] ?? '')) problems.push(`${name}: ${key} is ${env[key] ?? 'unset'}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("a migrate step runs every app's migrations, and every service starts after it", () => {
    const compose = loadCompose();
    const migrate = compose.services.migrate;
    expect(migrate && builtFromDockerfile(migrate)).toBe(true);
    // `$$` is compose's escape for a literal `$`: the shell sees "$main".
    expect(commandOf(migrate).join(' ')).toContain(
      'for main in dist/apps/*/main.js; do node "$$main" migrate || exit 1; done',
    );
    expect(envOf(migrate).DATABASE_URL).toMatch(/^postgres(ql)?:\/\//);
    const problems: string[] = [];
    for (const [name, service] of appServices(compose)) {
      const deps = service.depends_on;
      const condition = deps && !Array.isArray(deps) ? deps.migrate?.condition : undefined;
      if (condition !== 'service_completed_successfully') problems.push(`${name}: ${condition}`);
      if (envOf(service).MIGRATIONS_RUN !== 'false') problems.push(`${name}: migrates itself`);
    }
    expect(problems).toEqual([]);
  });

  it('only the gateway publishes ports on the host', () => {
    const compose = loadCompose();
    const publishing = Object.entries(compose.services)
      .filter(([, s]) => (s.ports ?? []).length > 0)
      .map(([name]) => name);
    expect(publishing).toEqual(['gateway']);
  });

  it('gateway secrets are required from the environment, never written in the file', () => {
    const env = envOf(loadCompose().services.gateway ?? {});
    for (const key of ['PARLEY_ADMIN_KEY', 'PARLEY_JWT_SECRET']) {
      // ${KEY:?message} makes compose refuse to start when KEY is unset or empty.
      expect(env[key]).toMatch(new RegExp(`^\\$\\{${key}:\\?[^}]*\\}$`));
    }
  });

  it('nats runs with JetStream and keeps its store on a volume', () => {
    const nats = loadCompose().services.nats;
    expect(nats).toBeDefined();
    const command = commandOf(nats);
    expect(command).toContain('-js');

    const flag = command.findIndex((arg) => arg === '-sd' || arg === '--store_dir');
    expect(flag).toBeGreaterThanOrEqual(0);
    const storeDir = command[flag + 1];
    const mountTargets = (nats.volumes ?? []).map((v) =>
      typeof v === 'string' ? v.split(':')[1] : v.target,
    );
    expect(mountTargets).toContain(storeDir);
  });
});

// ----- deploy/Dockerfile and .dockerignore --------------------------------------------------

describe('deploy/Dockerfile', () => {
  const stages = () => stagesOf(parseDockerfile(read(DOCKERFILE)));
  const finalStage = () => stages().at(-1) ?? [];

  it('builds in separate stages, so build tooling stays out of the runtime image', () => {
    expect(stages().length).toBeGreaterThanOrEqual(2);
  });

  it('runs as the non-root node user', () => {
    const users = finalStage().filter((i) => i.keyword === 'USER');
    expect(users.at(-1)?.args).toBe('node');
  });

  it('installs only production dependencies in the image that runs', () => {
    const runs = finalStage()
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b/.test(r) && /--omit[= ]dev\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(false);
    const envs = finalStage()
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args);
    expect(envs.some((e) => /\bNODE_ENV[= ]production\b/.test(e))).toBe(true);
  });

  it('starts the service named by SERVICE from the build output', () => {
    const start = finalStage()
      .filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')
      .map((i) => i.args)
      .join(' ');
    expect(start).toContain('dist/apps/');
    expect(start).toMatch(/\$\{?SERVICE\b/);
  });
});

describe('.dockerignore', () => {
  const patterns = () =>
    read('.dockerignore')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
  const ignores = (name: string) =>
    patterns().some((p) => new RegExp(`^(\\*\\*/|/)?${name.replace('.', '\\.')}/?$`).test(p));

  it('keeps local installs and build output out of the build context', () => {
    expect(ignores('node_modules')).toBe(true);
    expect(ignores('dist')).toBe(true);
  });

  it('keeps git history and local env files out of the build context', () => {
    expect(ignores('.git')).toBe(true);
    expect(ignores('.env')).toBe(true);
  });
});
