"""What the golden-file scripts (scripts/*-golden.py) share: Python's Jinja2 set up as Strata's
environment is (the `do` and loop-control extensions), and the writing of one JSON case a line:
{"template", "expected"}, or {"template", "error": true} where Python fails.
"""
import json
import os

import jinja2


def environment():
    """A Jinja2 environment with the extensions dbt enables."""
    return jinja2.Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'])


def write_cases(out_path, templates, ctx):
    """Render each template with `ctx` and write the cases to `out_path`."""
    env = environment()
    with open(out_path, 'w') as f:
        for t in templates:
            try:
                out = {'template': t, 'expected': env.from_string(t).render(ctx)}
            except Exception:  # noqa: BLE001 - the case is that it fails
                out = {'template': t, 'error': True}
            f.write(json.dumps(out) + '\n')
    print(f'wrote {len(templates)} cases to {os.path.relpath(out_path)}')
