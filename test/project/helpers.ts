/**
 * Test scaffolding: a render hook that understands only `{{ env_var('X') }}`,
 * `{{ env_var('X', 'default') }}` and `{{ var('x') }}` (whole-string or embedded), standing
 * in for the real Jinja engine that the lead wires.
 */
import type { RenderHook } from '../../src/project/index.js';
import { StrataError } from '../../src/errors.js';

/** A regex render hook over `env` and `vars`. */
export function regexRender(env: NodeJS.ProcessEnv = {}, vars: Record<string, unknown> = {}): RenderHook {
  return async (text, where) => {
    const pattern = /\{\{\s*(env_var|var)\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]*)['"]\s*)?\)\s*\}\}/g;
    const whole = /^\{\{\s*(env_var|var)\([^}]*\)\s*\}\}$/.test(text.trim());
    const lookup = (fn: string, name: string, dflt: string | undefined): unknown => {
      const v = fn === 'env_var' ? env[name] : vars[name];
      if (v !== undefined) return v;
      if (dflt !== undefined) return dflt;
      throw new StrataError('env-var-missing', `${fn}('${name}') is not set`, {
        position: { file: where.file, line: where.line, column: where.column },
      });
    };
    if (whole) {
      const m = new RegExp(pattern.source).exec(text)!;
      return lookup(m[1]!, m[2]!, m[3]);
    }
    return text.replace(pattern, (_all, fn: string, name: string, dflt: string | undefined) => String(lookup(fn, name, dflt)));
  };
}
