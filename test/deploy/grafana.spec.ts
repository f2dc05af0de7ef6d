import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { read, root } from './helpers';

/**
 * deploy/grafana/parley-dashboard.json, checked against what the services export: every query
 * names only metrics that exist, and every metric Parley defines is on a panel.
 */

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(read('deploy/grafana/parley-dashboard.json')) as {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
};

/** Source files of the apps and libs, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'node_modules' ? [] : sources(file);
    return /\.ts$/.test(name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(name) ? [file] : [];
  });
}

/** Metrics Parley defines itself (`name: 'parley_…'` in a prom-client constructor). */
const defined = [
  ...new Set(
    ['apps', 'libs'].flatMap((d) =>
      sources(path.join(root, d)).flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/name:\s*'(parley_[a-z_]+)'/g)].map((m) => m[1]),
      ),
    ),
  ),
];

/** prom-client's process and Node.js metrics, under the prefix the services give them. */
async function defaultMetricNames(): Promise<string[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  return (await registry.getMetricsAsJSON()).map((m) => m.name);
}

/** Series names a PromQL expression reads (histogram suffixes folded into their metric). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(parley_[a-z0-9_]+)/g)].map((m) =>
    m[1].replace(/_(bucket|count|sum)$/, ''),
  );
}

const queries = () => dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

describe('deploy/grafana/parley-dashboard.json', () => {
  it('is a dashboard with a Prometheus data source variable and unique panel ids', () => {
    expect(dashboard.uid).toBeTruthy();
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource' }),
    );
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  });

  it('queries only metrics the services export', async () => {
    expect(defined.length).toBeGreaterThan(0);
    const known = new Set([...defined, ...(await defaultMetricNames())]);
    const unknown = queries()
      .flatMap(metricsIn)
      .filter((m) => !known.has(m));
    expect(unknown).toEqual([]);
  });

  it('shows every metric Parley defines', () => {
    const shown = new Set(queries().flatMap(metricsIn));
    expect(defined.filter((m) => !shown.has(m))).toEqual([]);
  });
});
