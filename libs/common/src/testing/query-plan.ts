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
