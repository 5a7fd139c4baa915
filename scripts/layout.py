#!/usr/bin/env python3
"""Checks the layout rules of the Rust sources (STYLE.md *Habits*):

- no function over 70 lines outside the tests;
- no module over 400 lines before its first `#[cfg(test)]` (or `#[cfg(all(test, …))]`);
- no two modules of one crate that name each other (`crate::a` / `super::a`).

    python3 scripts/layout.py                       # the core and the widget
    python3 scripts/layout.py crates/wallet-server/src

Each argument is a crate's `src` folder. It relies on rustfmt's layout: a function's
closing brace sits at the indentation of its `fn` line.
"""
import itertools
import os
import re
import sys

MAX_FN, MAX_MODULE = 70, 400
FN = re.compile(r'^(\s*)(pub(\([^)]*\))? )?(const )?(async )?(unsafe )?(extern "[^"]*" )?fn (\w+)')
TESTS = re.compile(r'^\s*#\[cfg\((all\()?test[,)]')


def modules(root):
    """Module path (`api::http`) -> file, for every `.rs` file under `root`."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith('.rs'):
                continue
            path = os.path.join(folder, name)
            parts = os.path.relpath(path, root)[:-3].split(os.sep)
            if parts[-1] in ('mod', 'lib', 'main'):
                parts = parts[:-1]
            found['::'.join(parts)] = path
    return found


def before_tests(lines):
    for i, line in enumerate(lines):
        if TESTS.match(line):
            return lines[:i]
    return lines


def long_functions(path, lines):
    problems, i = [], 0
    while i < len(lines):
        m = FN.match(lines[i])
        if not m or lines[i].rstrip().endswith(';'):
            i += 1
            continue
        indent, name, start = m.group(1), m.group(8), i
        if lines[i].rstrip().endswith('}') and '{' in lines[i]:
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].rstrip() in (indent + '}', indent + '},')), None)
        if end is None:
            problems.append(f'{path}:{start + 1}: fn {name}: its end was not found (not rustfmt-formatted?)')
            break
        if end - start + 1 > MAX_FN:
            problems.append(f'{path}:{start + 1}: fn {name} has {end - start + 1} lines (at most {MAX_FN})')
        i = end + 1
    return problems


def named(module, text, known):
    """The modules of `known` that `module`'s text names through `crate::` or `super::`."""
    text = re.sub(r'//.*', '', text)
    parent = module.split('::')[:-1]
    out = set()
    for group in re.finditer(r'crate::\{([^}]*)\}', text):
        out.update(item.strip().split('::')[0] for item in group.group(1).split(','))
    for path in re.finditer(r'crate::(\w+(?:::\w+)*)', text):
        segments = path.group(1).split('::')
        for k in range(len(segments), 0, -1):
            if '::'.join(segments[:k]) in known:
                out.add('::'.join(segments[:k]))
                break
    for group in re.finditer(r'\bsuper::\{([^}]*)\}', text):
        out.update('::'.join(parent + [item.strip().split('::')[0]]) for item in group.group(1).split(','))
    for path in re.finditer(r'\bsuper::(\w+)', text):
        out.add('::'.join(parent + [path.group(1)]))
    return {m for m in out if m in known and m != module}


def check(root):
    known = modules(root)
    problems, names = [], {}
    for module, path in sorted(known.items()):
        with open(path, encoding='utf-8') as f:
            lines = before_tests(f.read().splitlines())
        if len(lines) > MAX_MODULE:
            problems.append(f'{path}: {len(lines)} lines before its tests (at most {MAX_MODULE})')
        problems += long_functions(path, lines)
        names[module] = named(module, '\n'.join(lines), known)
    for a, b in itertools.combinations(sorted(known), 2):
        if b in names[a] and a in names[b]:
            problems.append(f'{known[a]} and {known[b]} name each other')
    return problems


def main():
    roots = sys.argv[1:] or ['crates/checkout-core/src', 'src']
    problems = [p for root in roots for p in check(root)]
    print('\n'.join(problems) or f'layout ok: {", ".join(roots)}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
