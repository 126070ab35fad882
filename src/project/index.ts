/** Reading a dbt project into a typed {@link Project}. */
export * from './types.js';
export { loadProject } from './load-project.js';
export { configFor, applyTree, type ConfigResourceType } from './config-for.js';
export { mergeConfig, normalizeConfig, normalizeConfigKey } from './merge-config.js';
export {
  KNOWN_CONFIG_KEYS,
  GENERAL_CONFIG_KEYS,
  MODEL_CONFIG_KEYS,
  SEED_CONFIG_KEYS,
  SNAPSHOT_CONFIG_KEYS,
  TEST_CONFIG_KEYS,
  SOURCE_CONFIG_KEYS,
  isConfigKey,
  ACCESS_VALUES,
  groupOf,
} from './config-keys.js';
export { findProfiles, resolveProfile, redactTarget, secretValues, scrubSecrets, isSecretFieldName, findSecrets, type ProfilesLocation } from './profiles.js';
export { resolveVar, hasVar, varsFor, makeVarScope } from './vars.js';
export { readDbtProject, rendersInProjectFile, type ReadDbtProject } from './dbt-project-file.js';
export { readPackagesFile, type PackageDependency } from './packages-file.js';
export { isTestConfigPath, readPropertyFile, rendersInPropertyFile } from './property-file.js';
export { readSelectorsFile, parseSelectors } from './selectors-file.js';
export { scanDocBlocks } from './docs-blocks.js';
export { discoverFiles } from './discover-files.js';
export { InputLog, recordInputs, readInput, inputExists, noteFolder, folderTime, sha256, type FileStamp } from './input-log.js';
export { YamlFile, isRecord, type RenderFilter } from './yaml-file.js';
export { displayPath, toPosix } from './display-path.js';
