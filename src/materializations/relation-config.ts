/**
 * What dbt applies to a relation once it is built, inside the build's transaction, after the
 * post-hooks: the `grants` config and `persist_docs`.
 *
 * - `grants` (`{select: ['reporter', 'bi']}`): on PostgreSQL, `GRANT` to each grantee. A
 *   relation that was replaced starts with no grants (PostgreSQL does not copy them), so they
 *   are granted; a relation kept (an incremental run) has its current grants read, and what
 *   the config adds is granted and what it no longer lists is revoked, as dbt does. DuckDB has
 *   no grants: a warning, as dbt-duckdb gives.
 * - `persist_docs` (`{relation: true, columns: true}`): the model's description, and each of
 *   its YAML columns' that the relation has, become comments (`COMMENT ON`), on both engines.
 */
import { StrataError } from '../errors.js';
import type { Relation } from '../adapters/relation.js';
import type { MaterializationContext, MaterializationNode } from './context.js';
import type { Session } from '../adapters/adapter.js';
import { StatementLog } from './statement-log.js';

/** The adapters (one per run) that have warned that they have no grants: once is enough. */
const warnedNoGrants = new WeakSet<object>();

/** What applying the configs needs: a model's or a seed's build context. */
export type RelationConfigContext = Pick<MaterializationContext, 'adapter' | 'warn'> & { node: Pick<MaterializationNode, 'name' | 'config' | 'docs'> };

/** Whether the node has anything to apply after its build (the fast single-statement paths are skipped then). */
export function hasRelationConfig(ctx: RelationConfigContext): boolean {
  const docs = persistDocs(ctx);
  return Object.keys(grantConfig(ctx)).length > 0 || docs.relation || docs.columns;
}

/** The `grants` config as privilege → grantees (a single grantee may be written as a string). */
function grantConfig(ctx: RelationConfigContext): Record<string, string[]> {
  const g = ctx.node.config.grants;
  if (g === undefined || g === null) return {};
  if (typeof g !== 'object' || Array.isArray(g)) throw new StrataError('config-error', `Model ${ctx.node.name}: grants must be a mapping of privileges to grantees, e.g. {select: ['reporter']}`);
  const out: Record<string, string[]> = {};
  for (const [privilege, who] of Object.entries(g as Record<string, unknown>)) {
    const list = (Array.isArray(who) ? who : who === null || who === undefined ? [] : [who]).map(String).filter(Boolean);
    if (list.length) out[privilege.replace(/^\+/, '').toLowerCase()] = list;
  }
  return out;
}

function persistDocs(ctx: RelationConfigContext): { relation: boolean; columns: boolean } {
  const p = ctx.node.config.persist_docs as { relation?: unknown; columns?: unknown } | undefined;
  return { relation: p?.relation === true, columns: p?.columns === true };
}

/** A comment as a dollar-quoted literal (any text but the marker itself). */
function commentLiteral(ctx: RelationConfigContext, text: string): string {
  const magic = '$dbt_comment_literal_block$';
  if (text.includes(magic)) throw new StrataError('config-error', `Model ${ctx.node.name}: a description may not contain ${magic}`);
  return `${magic}${text}${magic}`;
}

/**
 * Apply `grants` and `persist_docs` to `relation`, just built. `kept`: the relation existed and
 * was changed in place (an incremental run), so grants given before may still be there.
 */
export async function applyRelationConfig(ctx: RelationConfigContext, log: StatementLog, relation: Relation, kept: boolean): Promise<void> {
  const dialect = ctx.adapter.dialect;
  const grants = grantConfig(ctx);
  if (Object.keys(grants).length) {
    if (!dialect.capabilities.grants) {
      if (!warnedNoGrants.has(ctx.adapter)) ctx.warn?.(`Grants for relations are not supported by ${ctx.adapter.type}: the grants config is ignored (first seen on ${ctx.node.name})`);
      warnedNoGrants.add(ctx.adapter);
    } else {
      let toRevoke: Record<string, string[]> = {};
      let toGrant = grants;
      if (kept) {
        const current: Record<string, string[]> = {};
        for (const [grantee, privilege] of (await log.query(dialect.showGrantsSql!(relation))).rows.map((r) => [String(r[0]), String(r[1]).toLowerCase()] as const)) (current[privilege] ??= []).push(grantee);
        const minus = (a: Record<string, string[]>, b: Record<string, string[]>) =>
          Object.fromEntries(Object.entries(a).map(([p, who]) => [p, who.filter((x) => !(b[p] ?? []).some((y) => y.toLowerCase() === x.toLowerCase()))]).filter(([, who]) => who.length > 0));
        toGrant = minus(grants, current);
        toRevoke = minus(current, grants);
      }
      for (const [privilege, who] of Object.entries(toRevoke)) await log.run(`revoke ${privilege} on ${relation.render()} from ${who.map((w) => dialect.quote(w)).join(', ')}`);
      for (const [privilege, who] of Object.entries(toGrant)) await log.run(`grant ${privilege} on ${relation.render()} to ${who.join(', ')}`);
    }
  }
  const docs = persistDocs(ctx);
  const described = ctx.node.docs;
  if (docs.relation && described?.description) {
    const kind = relation.type === 'materialized_view' ? 'materialized view' : relation.type === 'view' ? 'view' : 'table';
    await log.run(`comment on ${kind} ${relation.render()} is ${commentLiteral(ctx, described.description)}`);
  }
  if (docs.columns && described?.columns.length) {
    const existing = new Set((await log.session.getColumns(relation)).map((c) => c.name.toLowerCase()));
    for (const c of described.columns) {
      if (!existing.has(c.name.toLowerCase())) continue;
      await log.run(`comment on column ${relation.render()}.${c.quote ? dialect.quote(c.name) : c.name} is ${commentLiteral(ctx, c.description)}`);
    }
  }
}

/**
 * {@link applyRelationConfig} for builds that run their statements on a session of their own
 * (seeds, snapshots): the statements run on `session` and are added to `executed`.
 */
export async function applyRelationConfigOn(ctx: RelationConfigContext & { signal?: AbortSignal }, session: Session, relation: Relation, kept: boolean, executed: string[]): Promise<void> {
  const log = new StatementLog(session, ctx.signal);
  await applyRelationConfig(ctx, log, relation.withType('table'), kept);
  executed.push(...log.statements);
}
