"""The apps are layered, and nothing hides a cycle (pyproject.toml, [tool.importlinter]).

countries < practices < meetings < smeplatform < bench: a module imports from its own app and the
ones below, never from above, even indirectly, so there is no import cycle between the apps.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("countries", "practices", "meetings", "smeplatform", "bench")


def test_the_import_contracts_are_kept():
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())", "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _imports_inside_functions(path):
    """(line, module) of each import of the project's own apps made inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                modules = [("." * node.level) + (node.module or "")]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            found += [(node.lineno, module) for module in modules if module.startswith(".") or module.split(".")[0] in APPS]
    return found


def test_no_app_module_imports_the_apps_inside_a_function():
    """An import inside a function would hide a cycle from the contracts. Django's app configs are
    the exception it documents: ready() runs once the models are loaded."""
    hidden = {
        str(path.relative_to(ROOT)): found
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "apps.py"
        for found in [_imports_inside_functions(path)]
        if found
    }
    assert hidden == {}
