/**
 * Exposures (`exposures:` in property files): the dashboards, notebooks and applications that
 * use the project's models. They are nodes of the graph, downstream of what their `depends_on`
 * names, so that `build -s +exposure:weekly_kpis` builds everything a dashboard reads; nothing
 * is built for them.
 */
import { dirname } from 'node:path';
import { StrataError } from '../errors.js';
import { configFor, mergeConfig } from '../project/index.js';
import type { ExposureProperties, PackageProject, Project, PropertyFile } from '../project/types.js';
import type { ExposureEntry } from './manifest.js';
import { readRefCall } from './ref-call.js';

const METRIC = /^\s*metric\s*\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?\)\s*$/;

/** The manifest entry of an exposure (undefined when it is disabled). */
export function exposureEntry(project: Project, pkg: PackageProject, pf: PropertyFile, e: ExposureProperties): ExposureEntry | undefined {
  const fqn = [pkg.name, ...dirname(pf.path).split('/').slice(1).filter(Boolean), e.name];
  const config = mergeConfig(mergeConfig({ enabled: true, tags: [], meta: {} }, configFor(project, 'exposures', fqn)), e.config);
  if (config.enabled === false) return undefined;
  const tags = [...new Set([...e.tags, ...(Array.isArray(config.tags) ? (config.tags as string[]) : config.tags ? [String(config.tags)] : [])])];
  const refs: ExposureEntry['refs'] = [];
  const sources: ExposureEntry['sources'] = [];
  const metrics: ExposureEntry['metrics'] = [];
  for (const d of e.depends_on) {
    const call = readRefCall(d);
    const m = METRIC.exec(d);
    if (call && 'ref' in call) refs.push({ name: call.ref.name, package: call.ref.package ?? null, version: call.ref.version ?? null });
    else if (call) sources.push(call.source);
    else if (m) metrics.push(m[4] !== undefined ? [m[2]!, m[4]] : [m[2]!]);
    else {
      throw new StrataError('property-invalid', `exposure '${e.name}' depends on ${JSON.stringify(d)}, which is not ref('…'), source('…', '…') or metric('…')`, { position: e.position, source: pf.contents });
    }
  }
  return {
    unique_id: `exposure.${pkg.name}.${e.name}`,
    name: e.name,
    resource_type: 'exposure',
    package_name: pkg.name,
    // as dbt: relative to the folder of models it was found in (original_file_path is not)
    path: pf.path.split('/').slice(1).join('/') || pf.path,
    original_file_path: pf.path,
    fqn,
    type: e.type ?? '',
    // as dbt (and as a group's): an owner always has an email and a name, null when not given
    owner: { email: e.owner.email ?? null, name: e.owner.name ?? null, ...e.owner },
    description: e.description ?? '',
    label: e.label ?? null,
    maturity: e.maturity ?? null,
    url: e.url ?? null,
    meta: { ...e.meta, ...((config.meta as Record<string, unknown> | undefined) ?? {}) },
    tags,
    config: { ...config, tags },
    depends_on: { macros: [], nodes: [] },
    refs,
    sources,
    metrics,
    unrendered_config: {},
    created_at: Date.now() / 1000,
  };
}
