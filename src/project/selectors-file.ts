/**
 * selectors.yml: named selection definitions. A definition is a CLI-style string, a
 * method mapping (`{method, value, parents, children, …}` or the short `{tag: x}`), or a
 * `union`/`intersection` list that may hold `{exclude: […]}`.
 */
import { join } from 'node:path';
import { displayPath } from './display-path.js';
import type { IndirectSelection, Position, RenderHook, SelectorDefinition, SelectorExpr } from './types.js';
import { inputExists, readInput } from './input-log.js';
import { isRecord, YamlFile } from './yaml-file.js';

const METHOD_KEYS = new Set(['method', 'value', 'parents', 'children', 'parents_depth', 'children_depth', 'childrens_parents', 'indirect_selection', 'description']);
const INDIRECT = new Set(['eager', 'cautious', 'buildable', 'empty']);

/** Read `<dir>/selectors.yml`; no file means no selectors. */
export async function readSelectorsFile(dir: string, rootDir: string, render?: RenderHook): Promise<SelectorDefinition[]> {
  const abs = join(dir, 'selectors.yml');
  if (!inputExists(abs)) return [];
  const yaml = new YamlFile(displayPath(rootDir, abs), readInput(abs).contents);
  await yaml.render(render, 'project');
  return parseSelectors(yaml);
}

/** The selector definitions of a parsed selectors.yml. */
export function parseSelectors(yaml: YamlFile): SelectorDefinition[] {
  const doc = yaml.value;
  if (doc === null || doc === undefined) return [];
  if (!isRecord(doc) || !Array.isArray(doc['selectors'])) {
    throw yaml.error('selector-invalid', `${yaml.file} must have a \`selectors:\` list`, isRecord(doc) && 'selectors' in doc ? yaml.posOf(doc, 'selectors') : yaml.pos(doc));
  }
  const list = doc['selectors'] as unknown[];
  const seen = new Map<string, Position>();
  let defaultSeen: string | undefined;
  return list.map((entry, i) => {
    const position = yaml.posOf(list, i);
    if (!isRecord(entry) || typeof entry['name'] !== 'string') {
      throw yaml.error('selector-invalid', 'Each selector needs a `name` and a `definition`', position);
    }
    const name = entry['name'];
    const prev = seen.get(name);
    if (prev) throw yaml.error('selector-invalid', `Selector "${name}" is defined twice (first at line ${prev.line})`, position);
    seen.set(name, position);
    if (entry['definition'] === undefined || entry['definition'] === null) {
      throw yaml.error('selector-invalid', `Selector "${name}" has no \`definition\``, position);
    }
    const isDefault = entry['default'] === true;
    if (isDefault) {
      if (defaultSeen) throw yaml.error('selector-invalid', `Only one selector may be the default; "${defaultSeen}" already is`, yaml.posOf(entry, 'default'));
      defaultSeen = name;
    }
    return {
      name,
      description: typeof entry['description'] === 'string' ? entry['description'] : undefined,
      default: isDefault,
      definition: parseExpr(yaml, entry['definition'], yaml.posOf(entry, 'definition')),
      position,
    };
  });
}

function parseExpr(yaml: YamlFile, v: unknown, position: Position): SelectorExpr {
  if (typeof v === 'string') return { kind: 'spec', spec: v, position };
  if (!isRecord(v)) throw yaml.error('selector-invalid', 'A selector definition must be a string, a method mapping, or a union/intersection', position);
  const here = yaml.pos(v);
  for (const op of ['union', 'intersection'] as const) {
    if (op in v) {
      const items = v[op];
      if (!Array.isArray(items)) throw yaml.error('selector-invalid', `\`${op}\` must be a list`, yaml.posOf(v, op));
      const included: SelectorExpr[] = [];
      const excluded: SelectorExpr[] = [];
      items.forEach((item, i) => {
        const p = yaml.posOf(items, i);
        if (isRecord(item) && 'exclude' in item) {
          const ex = item['exclude'];
          if (!Array.isArray(ex)) throw yaml.error('selector-invalid', '`exclude` must be a list', yaml.posOf(item, 'exclude'));
          ex.forEach((x, j) => excluded.push(parseExpr(yaml, x, yaml.posOf(ex, j))));
        } else included.push(parseExpr(yaml, item, p));
      });
      return { kind: op, items: included, exclude: excluded, position: here };
    }
  }
  let method: string;
  let value: unknown;
  if ('method' in v) {
    method = String(v['method']);
    value = v['value'];
    for (const k of Object.keys(v)) {
      if (!METHOD_KEYS.has(k)) throw yaml.error('selector-invalid', `Unknown key \`${k}\` in a selector method`, yaml.posOf(v, k), `Known keys: ${[...METHOD_KEYS].join(', ')}.`);
    }
  } else {
    const keys = Object.keys(v).filter((k) => !METHOD_KEYS.has(k));
    if (keys.length !== 1) throw yaml.error('selector-invalid', 'A selector method needs `method` and `value` (or a single `<method>: <value>` key)', here);
    method = keys[0]!;
    value = v[method];
  }
  if (value === undefined || value === null || isRecord(value) || Array.isArray(value)) {
    throw yaml.error('selector-invalid', `Selector method \`${method}\` needs a \`value\``, here);
  }
  const depth = (key: string): number | undefined => {
    const d = v[key];
    if (d === undefined || d === null) return undefined;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) throw yaml.error('selector-invalid', `\`${key}\` must be a whole number`, yaml.posOf(v, key));
    return d;
  };
  const indirect = v['indirect_selection'];
  if (indirect !== undefined && !INDIRECT.has(String(indirect))) {
    throw yaml.error('selector-invalid', '`indirect_selection` must be eager, cautious, buildable or empty', yaml.posOf(v, 'indirect_selection'));
  }
  return {
    kind: 'method',
    method,
    value: String(value),
    parents: v['parents'] === true,
    children: v['children'] === true,
    parentsDepth: depth('parents_depth'),
    childrenDepth: depth('children_depth'),
    childrensParents: v['childrens_parents'] === true,
    indirectSelection: indirect === undefined ? undefined : (String(indirect) as IndirectSelection),
    position: here,
  };
}
