/**
 * Strata's template engine: dbt-flavoured Jinja in TypeScript, published as
 * `strata/jinja`. It knows nothing of dbt: hosts supply globals, filters, tests, a
 * loader and extra block tags through {@link Environment}.
 *
 * Stages, one module each: tokens → lexer → parser (ast) → compiler (closures) →
 * runtime (frames, macros, calls) with values, operators, format, methods, filters, tests.
 */
import { Environment } from './environment.js';

export { Environment, Template } from './environment.js';
export type {
  BlockTagSpec,
  CompileOptions,
  EnvironmentOptions,
  FilterFunction,
  Loader,
  TemplateSource,
  TestFunction,
} from './environment.js';
export type { CapturedBlock, MacroInfo } from './compiler.js';
export { TemplateError, TemplateSyntaxError } from './errors.js';
export { CALL, Kwargs, Macro, MacroReturn, Namespace, isKwargs, withChainableUndefined } from './runtime.js';
export { PY_ADD, PY_COMPARE, PY_CONTAINS, PY_EQ, PY_GETITEM, PY_LEN, PY_MUL, PY_REPR, PY_SUB, PY_TYPE, PyFloat, PyTypeError, Undefined, isUndefined, makeSet, makeTuple, pyRepr, pyStr, toJS } from './values.js';

let defaultEnv: Environment | undefined;

/**
 * Render `source` with Jinja2's defaults (plus `do` and loop controls, which are always
 * on) and `context`. Compiled templates are cached by source.
 */
export function renderString(source: string, context: object = {}): Promise<string> {
  defaultEnv ??= new Environment();
  let t;
  try {
    t = defaultEnv.compile(source, '<string>');
  } catch (e) {
    return Promise.reject(e);
  }
  return t.render(context);
}
