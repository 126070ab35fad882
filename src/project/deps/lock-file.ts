/**
 * package-lock.yml, written as dbt writes it (PyYAML's block style: keys sorted, list items
 * indented under their key, strings quoted only where YAML would read them as something
 * else), so the file does not change when a team moves between dbt and Strata.
 */
import { writeAtomically } from '../write-atomically.js';

const YAML11_NOT_STRING = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  /^(?:<<|=)$/,
];

const ESCAPES: Record<string, string> = { '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e', '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P' };

/** Double-quoted, escaping all but printable ASCII as PyYAML does when it does not write Unicode. */
function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    const esc = ESCAPES[ch];
    if (esc !== undefined) out += '\\' + esc;
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else {
      const hex = code.toString(16).toUpperCase();
      out += code < 0x100 ? `\\x${hex.padStart(2, '0')}` : code < 0x10000 ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
    }
  }
  return out + '"';
}

/**
 * A string as a YAML scalar: plain where YAML 1.1 reads it back as the same string, else
 * single-quoted; double-quoted with escapes when it holds anything but printable ASCII.
 */
function scalar(s: string): string {
  if (/[^\x20-\x7e]/.test(s)) return doubleQuoted(s);
  const quote =
    YAML11_NOT_STRING.some((re) => re.test(s)) ||
    /^[#,[\]{}&*!|>'"%@`]/.test(s) ||
    /^[-?:](?:\s|$)/.test(s) ||
    /:(?:\s|$)/.test(s) ||
    /\s#/.test(s) ||
    /^\s|\s$/.test(s);
  return quote ? `'${s.replace(/'/g, "''")}'` : s;
}

function value(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  return scalar(String(v));
}

/** Block YAML for a mapping of scalars, lists and mappings (keys sorted). */
export function dumpYaml(doc: Record<string, unknown>, indent = ''): string {
  let out = '';
  for (const key of Object.keys(doc).sort()) {
    const v = doc[key];
    if (Array.isArray(v)) {
      out += v.length ? `${indent}${scalar(key)}:\n` : `${indent}${scalar(key)}: []\n`;
      for (const item of v) {
        if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
          const body = dumpYaml(item as Record<string, unknown>, indent + '    ');
          out += `${indent}  - ${body.slice(indent.length + 4)}`;
        } else out += `${indent}  - ${value(item)}\n`;
      }
    } else if (v !== null && typeof v === 'object') {
      out += `${indent}${scalar(key)}:\n${dumpYaml(v as Record<string, unknown>, indent + '  ')}`;
    } else out += `${indent}${scalar(key)}: ${value(v)}\n`;
  }
  return out;
}

/** Write package-lock.yml: the pinned packages (each with its project name) and the hash of the packages file. */
export function writeLockFile(path: string, packages: Record<string, unknown>[], sha1Hash: string): void {
  writeAtomically(path, dumpYaml({ packages, sha1_hash: sha1Hash }));
}
