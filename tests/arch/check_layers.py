#!/usr/bin/env python3
"""The architecture of src/, checked: exits 1 and names every violation.

- No #include points up: a file may include headers of its own module and
  of modules on lower layers (LAYERS, bottom first), never of a module
  above it or beside it on its layer (gemini/ and gopher/ never include
  each other).
- No circles between files: the files of one name in a module (x.c, x.h)
  are one unit, and units never include each other, directly or round a
  longer circle (KNOWN_CIRCLES lists the ones still to untangle).
- net/ names no protocol: no "gemini", "gopher" or "titan" anywhere in its files.
- Modules in ONE_PUBLIC_HEADER are included by others only through
  <module>/<module>.h.  util/ is a toolbox: every header of it is public.

Usage: check_layers.py [SRC_DIR]   (default: the src/ beside tests/)
"""
import os
import re
import sys

# Bottom first; modules on one line are one layer.  A folder of src/ that
# is not listed is itself a violation: place it here.  "main" is src/*.c.
LAYERS = [
    ["util"],
    ["config", "response"],
    ["content", "convert"],
    ["archive"],
    ["site"],
    ["gemini", "gopher"],
    ["tls"],
    ["net"],
    ["server"],
    ["main"],
]

# Modules whose one public header (<module>/<module>.h) is the only one
# other modules include.  Extend this list as modules are restructured.
ONE_PUBLIC_HEADER = ["config", "net", "response", "server", "site", "tls"]

# Circles that were there when this check was written (issue 11), in
# modules being restructured: each may shrink or go, never grow, and no
# new one may appear.  Remove an entry once its circle is untangled.
KNOWN_CIRCLES = [
    ["archive/archive", "archive/feed", "archive/pages", "archive/search"],
    ["convert/html_extract", "convert/html_render"],
]

# Modules that must not name a protocol, anywhere in their text.
PROTOCOL_BLIND = {"net": re.compile(r"gemini|gopher|titan", re.IGNORECASE)}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def rank_of():
    return {module: rank for rank, layer in enumerate(LAYERS) for module in layer}


def source_files(src):
    """(module, path relative to src) of every .c and .h file."""
    for dirpath, _, names in os.walk(src):
        for name in sorted(names):
            if not name.endswith((".c", ".h")):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), src)
            parts = rel.split(os.sep)
            yield ("main" if len(parts) == 1 else parts[0]), "/".join(parts)


def unit_of(rel):
    return os.path.splitext(rel)[0]


def check_include(module, rel, header, ranks, problems):
    target = header.split("/")[0] if "/" in header else None
    if target is None or target == module:
        return
    if target not in ranks:
        return  # not one of ours (a test's support header)
    if ranks[target] > ranks[module]:
        problems.append(f"{rel}: includes {header}, of {target}/ above {module}/")
    elif ranks[target] == ranks[module]:
        problems.append(f"{rel}: includes {header}, of {target}/ beside {module}/ on its layer")
    if target in ONE_PUBLIC_HEADER and header != f"{target}/{target}.h":
        problems.append(f"{rel}: includes {header}; {target}/ is used only through "
                        f"{target}/{target}.h")


def find_circles(edges):
    """Strongly connected components of more than one unit (Tarjan)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(unit):
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        on_stack.add(unit)
        for next_unit in sorted(edges.get(unit, ())):
            if next_unit not in index:
                visit(next_unit)
                low[unit] = min(low[unit], low[next_unit])
            elif next_unit in on_stack:
                low[unit] = min(low[unit], index[next_unit])
        if low[unit] == index[unit]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == unit:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for unit in sorted(edges):
        if unit not in index:
            visit(unit)
    return circles


def check(src):
    ranks = rank_of()
    problems, edges, units = [], {}, set()
    files = list(source_files(src))
    for module, rel in files:
        units.add(unit_of(rel))
    for module, rel in files:
        if module not in ranks:
            problems.append(f"{rel}: module {module}/ has no layer; place it in LAYERS")
            continue
        with open(os.path.join(src, rel), encoding="utf-8", errors="replace") as f:
            text = f.read()
        blind = PROTOCOL_BLIND.get(module)
        if blind is not None:
            for number, line in enumerate(text.splitlines(), 1):
                if blind.search(line):
                    problems.append(f"{rel}:{number}: {module}/ names a protocol: {line.strip()}")
        for header in INCLUDE.findall(text):
            check_include(module, rel, header, ranks, problems)
            target = unit_of(header)
            if target in units and target != unit_of(rel):
                edges.setdefault(unit_of(rel), set()).add(target)
    for circle in find_circles(edges):
        if not any(set(circle) <= set(known) for known in KNOWN_CIRCLES):
            problems.append("files include each other: " + " -> ".join(circle))
    return problems


def main(argv):
    src = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "src")
    problems = check(src)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} architecture violation(s) in {src}")
        return 1
    print(f"architecture of {src}: layers, public headers and no circles hold")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
