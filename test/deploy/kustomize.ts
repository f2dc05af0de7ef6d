import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A small kustomize, enough to render deploy/k8s without kubectl: `resources` (files and
 * directories), `patches` (strategic merge, by the patch's own kind and name or by a `target`),
 * `namespace`, `images` and `replicas`. A kustomization that uses anything else is refused rather
 * than half rendered, so the tests never pass on output kustomize would not produce.
 *
 * The strategic merge follows Kubernetes' rules where these manifests need them: maps merge
 * recursively, `null` deletes a key, the lists Kubernetes declares with a merge key (containers,
 * env, volumes, ports, ...) merge by that key, and every other list is replaced whole.
 */

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Target {
  kind?: string;
  name?: string;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  patches?: { path: string; target?: Target }[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
}

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'resources',
  'patches',
  'namespace',
  'images',
  'replicas',
]);
const SUPPORTED_TARGET = new Set(['kind', 'name']);

/** Kinds that live outside any namespace (the ones these manifests could contain). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'PriorityClass',
  'StorageClass',
]);

/** Kinds whose `spec.replicas` the replicas field sets. */
const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** Merge keys of the Kubernetes lists these manifests use (patchMergeKey in the API). */
const MERGE_KEYS: Record<string, (item: Record<string, unknown>) => string> = {
  containers: () => 'name',
  initContainers: () => 'name',
  env: () => 'name',
  volumes: () => 'name',
  volumeMounts: () => 'mountPath',
  imagePullSecrets: () => 'name',
  // Container ports merge by containerPort, Service ports by port.
  ports: (item) => ('containerPort' in item ? 'containerPort' : 'port'),
  topologySpreadConstraints: () => 'topologyKey',
};

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every YAML document of a file, in order (empty documents dropped). */
export function loadYaml(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS() as unknown;
    })
    .filter((doc) => doc != null);
}

export function strategicMerge(base: unknown, patch: unknown, field = ''): unknown {
  if (isPlain(base) && isPlain(patch)) {
    const out: Plain = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = strategicMerge(base[key], value, key);
    }
    return out;
  }
  const keyOf = MERGE_KEYS[field];
  if (Array.isArray(base) && Array.isArray(patch) && keyOf && [...base, ...patch].every(isPlain)) {
    const out = (base as Plain[]).map((item) => ({ ...item }));
    const added: Plain[] = [];
    for (const item of patch as Plain[]) {
      const key = keyOf(item);
      const i = out.findIndex((existing) => existing[key] === item[key]);
      if (i < 0) added.push(item);
      else out[i] = strategicMerge(out[i], item, '') as Plain;
    }
    // kustomize puts the patch's new items first.
    return [...added, ...out];
  }
  return patch;
}

function asManifest(doc: unknown, file: string): Manifest {
  if (!isPlain(doc) || typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') {
    throw new Error(`${file}: a document without apiVersion and kind`);
  }
  const meta = doc.metadata;
  if (!isPlain(meta) || typeof meta.name !== 'string') {
    throw new Error(`${file}: a ${doc.kind} without metadata.name`);
  }
  return doc as Manifest;
}

function matches(m: Manifest, target: Target): boolean {
  return (
    (target.kind === undefined || m.kind === target.kind) &&
    (target.name === undefined || m.metadata.name === target.name)
  );
}

function setImages(node: unknown, images: NonNullable<Kustomization['images']>): unknown {
  if (Array.isArray(node)) return node.map((n) => setImages(n, images));
  if (!isPlain(node)) return node;
  const out: Plain = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      out[key] = value.map((c: Plain) => {
        const image = typeof c.image === 'string' ? c.image : '';
        const name = image.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
        const rule = images.find((r) => r.name === name);
        if (!rule) return c;
        const ref = rule.digest ? `@${rule.digest}` : rule.newTag ? `:${rule.newTag}` : '';
        return { ...c, image: `${rule.newName ?? name}${ref || image.slice(name.length)}` };
      });
    } else {
      out[key] = setImages(value, images);
    }
  }
  return out;
}

/** Render the kustomization in `dir` (absolute path) to its list of manifests. */
export function kustomize(dir: string): Manifest[] {
  const file = path.join(dir, 'kustomization.yaml');
  const [k] = loadYaml(file) as [Kustomization];
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length) throw new Error(`${file}: unsupported fields ${unsupported.join(', ')}`);

  let out: Manifest[] = [];
  for (const entry of k.resources ?? []) {
    const p = path.resolve(dir, entry);
    if (!existsSync(p)) throw new Error(`${file}: resource ${entry} does not exist`);
    if (statSync(p).isDirectory()) out.push(...kustomize(p));
    else out.push(...loadYaml(p).map((doc) => asManifest(doc, p)));
  }

  for (const entry of k.patches ?? []) {
    const p = path.resolve(dir, entry.path);
    const docs = loadYaml(p);
    if (docs.length !== 1) throw new Error(`${p}: a patch file holds exactly one document`);
    const patch = asManifest(docs[0], p);
    const extra = Object.keys(entry.target ?? {}).filter((key) => !SUPPORTED_TARGET.has(key));
    if (extra.length) throw new Error(`${file}: unsupported target fields ${extra.join(', ')}`);
    // With a target, the patch's own name is a placeholder (kustomize ignores it too).
    const target = entry.target ?? { kind: patch.kind, name: patch.metadata.name };
    const body: Plain = { ...patch };
    if (entry.target) {
      const { name: _ignored, ...meta } = patch.metadata;
      body.metadata = meta;
    }
    let hits = 0;
    out = out.map((m) => {
      if (!matches(m, target)) return m;
      hits++;
      return strategicMerge(m, body) as Manifest;
    });
    if (!hits) throw new Error(`${p}: the patch matches no resource`);
  }

  if (k.images?.length) {
    const images = k.images;
    out = out.map((m) => setImages(m, images) as Manifest);
  }

  for (const { name, count } of k.replicas ?? []) {
    const found = out.filter((m) => m.metadata.name === name && SCALABLE.has(m.kind));
    if (!found.length) throw new Error(`${file}: replicas for unknown ${name}`);
    out = out.map((m) =>
      found.includes(m) ? { ...m, spec: { ...(m.spec as Plain), replicas: count } } : m,
    );
  }

  if (k.namespace) {
    const namespace = k.namespace;
    out = out.map((m) =>
      CLUSTER_SCOPED.has(m.kind) ? m : { ...m, metadata: { ...m.metadata, namespace } },
    );
  }
  return out;
}
