"""The house's layers, read from the source: arrows run one way (cli -> publish and exchange ->
the domain -> store; the small pure modules are everyone's), no module imports itself round a
circle, even from inside a function, and nothing below cli/ but the renderers uses Typer or Rich."""

import ast

from helpers import ROOT

PACKAGE = ROOT / "src" / "pressfree"
BASE = {"dates", "names", "countries", "errors", "languages"}
RANK = {"base": 0, "store": 1, "domain": 2, "exchange": 3, "publish": 3, "cli": 4}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue  # they stand alone (test_migrations)
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


MODULES = _modules()


def _imports(tree: ast.Module) -> set[str]:
    """Every pressfree module a module imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m in MODULES and m != "pressfree"}


GRAPH = {name: _imports(tree) - {name} for name, tree in MODULES.items()}


def _layer(name: str) -> str:
    parts = name.split(".")[1:]
    if not parts or parts[0] == "__main__":
        return "cli"  # the entry point
    if parts[0] in ("store", "exchange", "publish", "cli"):
        return parts[0]
    return "base" if parts[0] in BASE else "domain"


def test_arrows_run_one_way():
    wrong = [
        f"{name} ({_layer(name)}) imports {other} ({_layer(other)})"
        for name, others in GRAPH.items()
        for other in others
        if RANK[_layer(other)] > RANK[_layer(name)]
        or (_layer(other) != _layer(name) and RANK[_layer(other)] == RANK[_layer(name)])
    ]
    assert wrong == []


def test_no_module_imports_itself_round_a_circle():
    circles = []
    for start in GRAPH:
        seen, stack = set(), [(start, [start])]
        while stack:
            name, path = stack.pop()
            for other in GRAPH[name]:
                if other == start:
                    circles.append(" -> ".join([*path, start]))
                elif other not in seen:
                    seen.add(other)
                    stack.append((other, [*path, other]))
    assert circles == []


def test_only_the_command_line_speaks_typer_or_rich():
    speaking = sorted(
        name
        for name, tree in MODULES.items()
        if _layer(name) != "cli"
        # the renderers build Rich tables for the command line to print
        and not name.startswith("pressfree.publish.render")
        and any(
            (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] in ("typer", "rich"))
            or (
                isinstance(n, ast.Import)
                and any(a.name.split(".")[0] in ("typer", "rich") for a in n.names)
            )
            for n in ast.walk(tree)
        )
    )
    assert speaking == []


def test_the_layers_are_what_the_folders_say():
    assert {_layer(name) for name in MODULES} == set(RANK)
    assert "pressfree.store.models" in MODULES and "pressfree.work" in MODULES


def test_every_label_a_text_is_checked_under_names_a_field():
    """A text's rule comes from what its field is (schemas.FIELDS); a label that named no
    field would silently get the loosest rule, and renaming an option could change one."""
    from pressfree.schemas import FIELDS, field_of

    checking = {"clean_text", "text_problem", "cleaned", "_clean_list"}
    labels = set()
    for tree in MODULES.values():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            given = [k.value for k in node.keywords if k.arg == "field"]
            if name in checking and len(node.args) > 1:
                given.append(node.args[1])
            labels.update(
                g.value for g in given if isinstance(g, ast.Constant) and isinstance(g.value, str)
            )
    assert len(labels) > 20
    assert sorted(label for label in labels if field_of(label) not in FIELDS) == []
