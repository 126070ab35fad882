/**
 * Config from dbt_project.yml config trees for one node: the owning package's tree first,
 * then the root project's tree over it; within a tree, outer folders first and the most
 * specific folder (or the node's own name) last.
 */
import { isConfigKey } from './config-keys.js';
import { mergeConfig } from './merge-config.js';
import type { ConfigTree, DbtProjectConfig, PackageProject, Project } from './types.js';
import { isRecord } from './yaml-file.js';

/** The resource types that have a config tree in dbt_project.yml. */
export type ConfigResourceType = 'models' | 'seeds' | 'snapshots' | 'tests' | 'sources' | 'exposures' | 'analyses' | 'unit_tests';

/**
 * The config dbt_project.yml gives to the node with `fqn` (`[package, ...folders, name]`).
 * Node-level config (`config()` in SQL, YAML `config:`) is merged over this by the caller.
 */
export function configFor(project: Pick<Project, 'root' | 'packages'>, resourceType: ConfigResourceType, fqn: string[]): Record<string, unknown> {
  const owner: PackageProject | undefined = project.packages.find((p) => p.name === fqn[0]);
  let config: Record<string, unknown> = {};
  if (owner && !owner.isRoot) config = applyTree(config, treeOf(owner.config, resourceType), fqn);
  return applyTree(config, treeOf(project.root.config, resourceType), fqn);
}

function treeOf(config: DbtProjectConfig, resourceType: ConfigResourceType): ConfigTree {
  return config[resourceType];
}

/** Walk `tree` along `fqn`, merging the config of each level reached. */
export function applyTree(base: Record<string, unknown>, tree: ConfigTree, fqn: readonly string[]): Record<string, unknown> {
  let config = mergeConfig(base, configsAt(tree));
  let level: ConfigTree = tree;
  for (const part of fqn) {
    const next = level[part];
    if (!isRecord(next) || isConfigKey(part)) break;
    level = next;
    config = mergeConfig(config, configsAt(level));
  }
  return config;
}

function configsAt(level: ConfigTree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+')) out[key] = value;
    else if (isConfigKey(key)) out[key] = value;
  }
  return out;
}
