"""The layers of docs/architecture.md: no module imports from a layer below its own."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "readouts"
LAYERS = [
    {
        "models",
        "querysets",
        "tree",
        "rules",
        "derived",
        "merging",
        "documents",
        "roles",
        "routers",
        "apps",
        "__init__",
    },
    {
        "filters",
        "naming",
        "search",
        "charts",
        "keys",
        "counting",
        "paginators",
        "findings",
        "pairs",
        "duplicates",
        "names",
    },
    {"loading", "exporting", "importing"},
    {
        "views",
        "api",
        "feeds",
        "admin",
        "admin_import",
        "admin_findings",
        "pair_views",
        "widgets",
        "admin_merge",
        "forms",
        "middleware",
        "caching",
        "errors",
        "urls",
        "templatetags",
        "management",
    },
]
FORMATS = LAYERS[2]


def layer(top: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if top in names)


def app_imports(path: Path) -> set[str]:
    """The first part of every module of the app this file imports (readouts.X or .X)."""
    package = path.relative_to(APP.parent).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                parts = base + (node.module.split(".") if node.module else [])
            else:
                parts = (node.module or "").split(".")
            if parts[:1] != ["readouts"]:
                continue
            if len(parts) > 1:
                found.add(parts[1])
            else:  # from readouts import documents, …
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "readouts" and len(parts) > 1:
                    found.add(parts[1])
    return found


MODULES = sorted(
    path for path in APP.rglob("*.py") if "migrations" not in path.relative_to(APP).parts
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(APP)))
def test_it_imports_only_from_its_own_layer_or_those_above(path):
    top = path.relative_to(APP).parts[0].removesuffix(".py")
    for name in app_imports(path) - {top, "__version__"}:
        assert layer(name) <= layer(top), f"{top} (layer {layer(top) + 1}) imports {name}"
        if top in FORMATS:
            assert name not in FORMATS, f"{top} imports {name}, another format"


def test_every_module_has_a_layer():
    tops = {path.relative_to(APP).parts[0].removesuffix(".py") for path in MODULES}
    assert tops <= set().union(*LAYERS), tops - set().union(*LAYERS)
