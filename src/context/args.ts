/**
 * Python-style argument binding for host functions called from templates: positional
 * arguments followed, when keywords were given, by one trailing Kwargs object.
 */
import { isKwargs } from '../jinja/index.js';
import { StrataError } from '../errors.js';

/**
 * Bind `args` to parameter `names` as Python would. Missing parameters take `defaults`;
 * unknown keywords are an error naming the function.
 */
export function bindArgs(fn: string, args: unknown[], names: string[], defaults: Record<string, unknown> = {}): Record<string, unknown> {
  let positional = args;
  let kwargs: Record<string, unknown> = {};
  const last = args[args.length - 1];
  if (args.length > 0 && isKwargs(last)) {
    positional = args.slice(0, -1);
    kwargs = last as Record<string, unknown>;
  }
  if (positional.length > names.length) {
    throw new StrataError('jinja-call', `${fn}() takes at most ${names.length} positional arguments (${positional.length} given)`);
  }
  const out: Record<string, unknown> = { ...defaults };
  positional.forEach((v, i) => {
    out[names[i]!] = v;
  });
  for (const [k, v] of Object.entries(kwargs)) {
    if (!names.includes(k)) throw new StrataError('jinja-call', `${fn}() got an unexpected keyword argument '${k}'`);
    out[k] = v;
  }
  return out;
}

/** Split a host call's arguments into positional values and keywords. */
export function splitArgs(args: unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (args.length > 0 && isKwargs(last)) return { positional: args.slice(0, -1), kwargs: { ...(last as Record<string, unknown>) } };
  return { positional: args, kwargs: {} };
}
