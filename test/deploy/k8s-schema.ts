import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import ts from 'typescript';
import type { Manifest } from './kustomize';
import { root } from './helpers';

/**
 * Offline checks of manifests against the Kubernetes API, from the schemas that the
 * kubernetes-models package ships (generated from the Kubernetes OpenAPI document):
 *
 * - `schemaErrors`: the JSON schema of the kind (types, required fields, enums, formats).
 * - `unknownFields`: fields the API does not define. Those schemas allow any extra property, but
 *   `kubectl apply` validates strictly and refuses them, so a misspelt `livenesProbe` would pass
 *   the schema and fail the deploy. The package's TypeScript interfaces of the same API do know
 *   every field: each manifest is type-checked as an object literal of its kind's interface, and
 *   TypeScript's excess-property check names what is not in the API.
 */

interface Validatable {
  validate(): void;
}

/** apiVersion/kind -> model class and the module + interface of its TypeScript type. */
const KINDS: Record<string, { model: new (data: never) => Validatable; module: string }> = {
  'apps/v1/Deployment': { model: Deployment, module: 'apps/v1/Deployment' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler,
    module: 'autoscaling/v2/HorizontalPodAutoscaler',
  },
  'batch/v1/Job': { model: Job, module: 'batch/v1/Job' },
  'networking.k8s.io/v1/Ingress': { model: Ingress, module: 'networking.k8s.io/v1/Ingress' },
  'networking.k8s.io/v1/NetworkPolicy': {
    model: NetworkPolicy,
    module: 'networking.k8s.io/v1/NetworkPolicy',
  },
  'policy/v1/PodDisruptionBudget': {
    model: PodDisruptionBudget,
    module: 'policy/v1/PodDisruptionBudget',
  },
  'v1/ConfigMap': { model: ConfigMap, module: 'v1/ConfigMap' },
  'v1/Namespace': { model: Namespace, module: 'v1/Namespace' },
  'v1/Secret': { model: Secret, module: 'v1/Secret' },
  'v1/Service': { model: Service, module: 'v1/Service' },
};

const kindOf = (m: Manifest) => KINDS[`${m.apiVersion}/${m.kind}`];
const label = (m: Manifest) => `${m.kind}/${m.metadata.name}`;

/** Schema violations, one line each; a kind with no schema here is one too. */
export function schemaErrors(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  for (const m of manifests) {
    const kind = kindOf(m);
    if (!kind) {
      problems.push(
        `${label(m)}: no schema for ${m.apiVersion} ${m.kind} (add it to k8s-schema.ts)`,
      );
      continue;
    }
    try {
      new kind.model(m as never).validate();
    } catch (err) {
      problems.push(`${label(m)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return problems;
}

/** Fields that are not in the Kubernetes API of the manifest's kind, and type mismatches. */
export function unknownFields(manifests: Manifest[]): string[] {
  const known = manifests.filter((m) => kindOf(m));
  const modules = [...new Set(known.map((m) => kindOf(m).module))];
  const header = modules.map(
    (mod, i) => `import type { I${path.basename(mod)} as T${i} } from 'kubernetes-models/${mod}';`,
  );
  const body = known.map(
    (m, i) => `export const m${i}: T${modules.indexOf(kindOf(m).module)} = ${JSON.stringify(m)};`,
  );
  const fileName = path.join(root, 'test/deploy/__manifests__.ts');
  const text = [...header, ...body].join('\n');

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === fileName || fileExists.call(host, f);
  host.readFile = (f) => (f === fileName ? text : readFile.call(host, f));
  host.getSourceFile = (f, version, ...rest) =>
    f === fileName
      ? ts.createSourceFile(f, text, version)
      : getSourceFile.call(host, f, version, ...rest);

  const program = ts.createProgram([fileName], options, host);
  const source = program.getSourceFile(fileName);
  return ts.getPreEmitDiagnostics(program, source).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file?.fileName !== fileName || d.start === undefined) return message;
    const line = d.file.getLineAndCharacterOfPosition(d.start).line - header.length;
    return known[line] ? `${label(known[line])}: ${message}` : message;
  });
}
