"""Command-line modules are leaves (issue 14 item 2): the library never imports them, and the ledger is SPEC §8
as data, judged elsewhere (results/verdicts.py)."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tfgan_repro"
CLI_MODULES = {"tfgan_repro.main", "tfgan_repro.sample", "tfgan_repro.report", "tfgan_repro.evaluate",
               "tfgan_repro.bench"}


def _imports(path: Path):
  """Every module named by an import statement of `path`, at any depth (lazy imports included)."""
  for node in ast.walk(ast.parse(path.read_text(), str(path))):
    if isinstance(node, ast.Import):
      yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.module:
      yield node.module
      yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_no_library_module_imports_a_command_line_module():
  for path in sorted(PACKAGE.rglob("*.py")):
    module = "tfgan_repro." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    leaks = (set(_imports(path)) & CLI_MODULES) - {module}
    assert not leaks, f"{module} imports the command line module(s) {sorted(leaks)}"


def test_the_ledger_is_data_and_does_not_judge():
  imported = set(_imports(PACKAGE / "results" / "ledger.py"))
  assert not {m for m in imported if m.startswith("tfgan_repro.results")}, imported
  tree = ast.parse((PACKAGE / "results" / "ledger.py").read_text())
  functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
  assert not functions & {"judge", "group_for", "pick_score", "why_missing"}, functions
