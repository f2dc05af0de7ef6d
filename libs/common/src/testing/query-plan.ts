import { DataSource } from 'typeorm';

/** One node of a PostgreSQL `EXPLAIN (FORMAT JSON)` plan (the fields the plan tests read). */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Scan Direction'?: string;
  'Subplan Name'?: string;
  Plans?: PlanNode[];
}

/** The node and every node below it, depth first. */
export function flattenPlan(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(flattenPlan)];
}

/**
 * The plan PostgreSQL chooses for `sql`, flattened. `analyze` runs the query to report actual rows.
 */
export async function explainPlan(
  ds: DataSource,
  sql: string,
  params: unknown[],
  opts: { analyze?: boolean } = {},
): Promise<PlanNode[]> {
  const options = opts.analyze ? 'ANALYZE, FORMAT JSON' : 'FORMAT JSON';
  const [row] = (await ds.query(`EXPLAIN (${options}) ${sql}`, params)) as Array<{
    'QUERY PLAN': Array<{ Plan: PlanNode }>;
  }>;
  return flattenPlan(row['QUERY PLAN'][0].Plan);
}

/**
 * The generic plan of `sql` (the plan PostgreSQL may settle on for a prepared statement, whatever
 * its values), run with `params`: prepared on one connection and explained with
 * `plan_cache_mode = force_generic_plan`. `params` are strings or numbers.
 */
export async function explainGenericPlan(
  ds: DataSource,
  sql: string,
  params: Array<string | number>,
): Promise<PlanNode[]> {
  const literal = (v: string | number) =>
    typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
  const runner = ds.createQueryRunner();
  try {
    await runner.query('SET plan_cache_mode = force_generic_plan');
    await runner.query(`PREPARE generic_plan_probe AS ${sql}`);
    const [row] = (await runner.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE generic_plan_probe(${params.map(literal).join(', ')})`,
    )) as Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>;
    return flattenPlan(row['QUERY PLAN'][0].Plan);
  } finally {
    await runner.query('DEALLOCATE generic_plan_probe').catch(() => undefined);
    await runner.query('RESET plan_cache_mode').catch(() => undefined);
    await runner.release();
  }
}
