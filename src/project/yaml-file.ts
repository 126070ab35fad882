/**
 * A YAML file read into plain JavaScript values that still know where they were written.
 * Objects and arrays are mapped to their positions (and their keys' and items' positions)
 * in side tables, so typed readers can work on plain values and still point at the line.
 * Templated strings (`{{`, `{%`) are collected and handed to a {@link RenderHook}.
 */
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node as YamlNode, ScalarTag } from 'yaml';
import { StrataError } from '../errors.js';
import { fastParse, Unsupported } from './fast-yaml.js';
import type { Position, RenderHook, RenderKind } from './types.js';

/**
 * The `yaml` library, loaded the first time a file needs it (most property files are read
 * by the fast reader, and loading the library costs a command's start-up ~30 ms).
 */
let yamlLib: typeof import('yaml') | undefined;
const lib = (): typeof import('yaml') => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/** `yes/no/on/off` (any common case) are booleans, as PyYAML (and so dbt) reads them. */
const PYYAML_BOOL: ScalarTag = {
  identify: (v) => typeof v === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/,
  resolve: (s) => /^(?:yes|on)$/i.test(s),
};

/** Decides whether the string at a key path is rendered (hooks and descriptions are not). */
export type RenderFilter = (path: readonly (string | number)[]) => boolean;

interface PendingRender {
  container: Record<string, unknown> | unknown[];
  key: string | number;
  text: string;
  path: (string | number)[];
  position: Position;
}

/** A parsed YAML file with positions for every object, key and item. */
export class YamlFile {
  /** The rendered value of the whole document (`null` for an empty file). */
  value: unknown;
  /** Which reader produced the value: the fast subset reader or the full `yaml` library. */
  engine: 'fast' | 'lib' = 'lib';
  private nodePos = new WeakMap<object, Position>();
  private keyPos = new WeakMap<object, Map<string | number, Position>>();
  private readonly pending: PendingRender[] = [];
  private lineCounter!: LineCounter;
  private doc: Document.Parsed | undefined;

  /**
   * Parse `source`. Throws a `yaml-syntax` StrataError (with file, line, column and code
   * frame) on the first syntax error.
   * @param file display path used in positions and errors
   * @param engine `auto` tries the fast reader for plain files first; `lib` always uses the `yaml` library
   */
  constructor(
    readonly file: string,
    readonly source: string,
    renderFilter: RenderFilter = () => true,
    engine: 'auto' | 'lib' = 'auto',
  ) {
    if (engine === 'auto') {
      try {
        this.value = this.fast(renderFilter);
        this.engine = 'fast';
        return;
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        this.nodePos = new WeakMap();
        this.keyPos = new WeakMap();
        this.pending.length = 0;
      }
    }
    const { LineCounter, parseDocument } = lib();
    this.lineCounter = new LineCounter();
    this.doc = parseDocument(source, { lineCounter: this.lineCounter, merge: true, uniqueKeys: true, prettyErrors: false, customTags: [PYYAML_BOOL] });
    const err = this.doc.errors[0];
    if (err) {
      let lp = err.linePos?.[0] ?? this.lineCounter.linePos(err.pos[0]);
      const message = err.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
      const quote = /Missing closing (["'])quote/.exec(message)?.[1];
      if (quote) lp = unclosedQuote(source, err.pos[0], quote) ?? lp;
      throw new StrataError('yaml-syntax', `YAML syntax error in ${file}: ${message}`, {
        position: { file, line: lp.line, column: lp.col },
        source,
        hint: 'Check the indentation and quoting around this line; values starting with { or % must be quoted.',
      });
    }
    this.value = this.convert(this.doc.contents as YamlNode | null, [], renderFilter);
  }

  private fast(filter: RenderFilter): unknown {
    const file = this.file;
    const path: (string | number)[] = [];
    return fastParse(this.source, {
      path,
      node: (value, line, column) => {
        this.nodePos.set(value, { file, line, column });
      },
      key: (container, key, line, column) => {
        let keys = this.keyPos.get(container);
        if (!keys) {
          keys = new Map();
          this.keyPos.set(container, keys);
        }
        keys.set(key, { file, line, column });
      },
      scalar: (container, key, text, line, column) => {
        if (!text.includes('{{') && !text.includes('{%')) return;
        if (!filter(path)) return;
        this.pending.push({ container, key, text, path: [...path], position: { file, line, column } });
      },
    });
  }

  /**
   * Render the templated strings accepted by the constructor's filter and by `only` (when
   * given) with `hook`, in document order. Strings not accepted by `only` stay pending.
   */
  async render(hook: RenderHook | undefined, kind: RenderKind, only?: RenderFilter): Promise<void> {
    if (!hook) return;
    const now = only ? this.pending.filter((p) => only(p.path)) : [...this.pending];
    for (const p of now) {
      let out: unknown;
      try {
        out = await hook(p.text, { file: p.position.file, line: p.position.line, column: p.position.column, kind, path: p.path });
      } catch (e) {
        if (e instanceof StrataError) {
          if (e.position) throw e;
          throw new StrataError(e.code, e.message, { position: p.position, source: this.source, hint: e.hint, cause: e });
        }
        throw new StrataError('yaml-render', `Could not render a value in ${p.position.file}: ${(e as Error).message}`, {
          position: p.position,
          source: this.source,
          cause: e,
        });
      }
      if (Array.isArray(p.container)) p.container[p.key as number] = out;
      else p.container[p.key as string] = out;
    }
    const done = new Set(now);
    const rest = this.pending.filter((p) => !done.has(p));
    this.pending.length = 0;
    this.pending.push(...rest);
  }

  /** The templated strings waiting to be rendered, in document order. */
  get pendingRenders(): readonly { text: string; path: readonly (string | number)[]; position: Position }[] {
    return this.pending.map((p) => ({ text: p.text, path: p.path, position: p.position }));
  }

  /** Whether any templated string is waiting to be rendered. */
  get hasPendingRenders(): boolean {
    return this.pending.length > 0;
  }

  /** Where an object or array produced by this file starts; falls back to the file start. */
  pos(value: unknown): Position {
    if (value !== null && typeof value === 'object') {
      const p = this.nodePos.get(value);
      if (p) return p;
    }
    return { file: this.file, line: 1, column: 1 };
  }

  /** Where `container[key]` was written (the key of a map, the item of a list). */
  posOf(container: unknown, key: string | number): Position {
    if (container !== null && typeof container === 'object') {
      const p = this.keyPos.get(container)?.get(key);
      if (p) return p;
    }
    return this.pos(container);
  }

  /** A StrataError located at `position`, with this file's code frame. */
  error(code: string, message: string, position: Position, hint?: string): StrataError {
    return new StrataError(code, message, { position, source: this.source, hint });
  }

  private position(node: { range?: [number, number, number] | null } | null | undefined): Position {
    const offset = node?.range?.[0] ?? 0;
    const lp = this.lineCounter.linePos(offset);
    return { file: this.file, line: lp.line, column: lp.col };
  }

  private convert(node: YamlNode | null, path: (string | number)[], filter: RenderFilter): unknown {
    if (node === null || node === undefined) return null;
    const { isAlias, isMap, isPair, isScalar, isSeq } = lib();
    if (isAlias(node)) {
      const target = node.resolve(this.doc!);
      return target ? this.convert(target as YamlNode, path, filter) : null;
    }
    if (isScalar(node)) return node.value;
    if (isSeq(node)) {
      const out: unknown[] = [];
      const keys = new Map<string | number, Position>();
      this.nodePos.set(out, this.position(node));
      this.keyPos.set(out, keys);
      node.items.forEach((item, i) => {
        const itemNode = item as YamlNode | null;
        keys.set(i, this.position(itemNode));
        path.push(i);
        out.push(this.convert(itemNode, path, filter));
        this.queue(out, i, itemNode, path, filter);
        path.pop();
      });
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const keys = new Map<string | number, Position>();
      this.nodePos.set(out, this.position(node));
      this.keyPos.set(out, keys);
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        const rawKey = isScalar(keyNode) ? (typeof keyNode.value === 'symbol' ? '<<' : keyNode.value) : this.convert(keyNode, path, () => false);
        const valueNode = pair.value as YamlNode | null;
        if (rawKey === '<<') {
          // YAML merge key: copy the aliased map's entries that are not set here.
          const merged = this.convert(valueNode, path, filter);
          const sources = Array.isArray(merged) ? merged : [merged];
          for (const src of sources) {
            if (src && typeof src === 'object' && !Array.isArray(src)) {
              for (const [k, v] of Object.entries(src)) if (!(k in out)) out[k] = v;
            }
          }
          continue;
        }
        const key = String(rawKey);
        keys.set(key, this.position(keyNode));
        path.push(key);
        out[key] = this.convert(valueNode, path, filter);
        this.queue(out, key, valueNode, path, filter);
        path.pop();
      }
      return out;
    }
    return null;
  }

  private queue(
    container: Record<string, unknown> | unknown[],
    key: string | number,
    node: YamlNode | null,
    path: (string | number)[],
    filter: RenderFilter,
  ): void {
    if (!lib().isScalar(node) || typeof node.value !== 'string') return;
    const text = node.value;
    if (!text.includes('{{') && !text.includes('{%')) return;
    if (!filter(path)) return;
    this.pending.push({ container, key, text, path: [...path], position: this.position(node) });
  }
}

/** The line and column of the last line before `end` holding an odd number of `quote`s. */
function unclosedQuote(source: string, end: number, quote: string): { line: number; col: number } | undefined {
  const lines = source.slice(0, end).split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const text = lines[i]!;
    const count = text.split(quote).length - 1;
    if (count % 2 === 1) return { line: i + 1, col: text.lastIndexOf(quote) + 1 };
  }
  return undefined;
}

/** True for a plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
