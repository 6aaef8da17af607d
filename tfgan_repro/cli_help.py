"""`--help` and `--list` of `python -m tfgan_repro.main`: grouped flags whose help is the preset's own comment.

A field's help text is the `# ...` comment beside the line of `configs/*.py` that set its value, citation
included. The lines are found by running the preset's `get_config()` once with `ConfigDict.__setattr__`
watched: the last assignment that carries a comment wins, so a preset's comment beats its family base's,
which beats `base.py`'s (walking base -> family base -> preset without re-implementing the imports).
"""
import functools
import importlib
import inspect
import io
import os
import re
import sys
import textwrap
import tokenize
from typing import Dict, List, Sequence, Tuple

import ml_collections

GROUPS = ("run", "data", "model", "optimisation", "logging", "evaluation")
_RUN = {"model", "preset", "config", "tiny", "workdir", "overwrite", "dry_run", "summary", "list", "seed",
        "deterministic", "mixed_precision", "threads", "jit_compile", "steps_per_execution", "strategy"}
_DATA = {"dataset", "resolution", "channels", "classes", "split", "data_dir"}
_LOGGING = {"log_every", "sample_every", "ckpt_every", "keep_checkpoints", "num_samples"}
_OPTIMISATION = re.compile(r"(^|_)(lr|beta\d|batch_size|steps|n_critic)($|_)|_lr$|^lr_|^d_init_set$|^d_end_lr$")
_CITE = re.compile(r"\b[A-Z][A-Za-z-]+ et al\.? \d{4}|\bseed \d{3}\b")


def group_of(name: str) -> str:
  if name in _RUN:
    return "run"
  if name in _DATA:
    return "data"
  if name in _LOGGING:
    return "logging"
  if name.startswith("eval_"):
    return "evaluation"
  if _OPTIMISATION.search(name):
    return "optimisation"
  return "model"


@functools.lru_cache(maxsize=None)
def _comments(path: str) -> Dict[int, str]:
  """{line number: comment text} of the comments that belong to an assignment on that line.

  A trailing comment continues on the comment-only lines below it that start at its column; a line with no
  trailing comment takes the comment-only block right above it (e.g. `mixed_precision` in base.py).
  """
  with open(path, encoding="utf-8") as f:
    tokens = list(tokenize.generate_tokens(io.StringIO(f.read()).readline))
  trailing, alone = {}, {}  # line -> (column, text)
  code_lines = set()
  for tok in tokens:
    if tok.type == tokenize.COMMENT:
      (alone if tok.start[0] not in code_lines else trailing)[tok.start[0]] = (tok.start[1], tok.string[1:].strip())
    elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
      code_lines.update(range(tok.start[0], tok.end[0] + 1))
  out = {}
  for line in code_lines:
    if line in trailing:
      col, parts = trailing[line][0], [trailing[line][1]]
      nxt = line + 1
      while nxt in alone and alone[nxt][0] == col:
        parts.append(alone[nxt][1])
        nxt += 1
      out[line] = " ".join(parts)
    else:
      above, prev = [], line - 1
      while prev in alone:
        above.insert(0, alone[prev][1])
        prev -= 1
      if above:
        out[line] = " ".join(above)
  return out


def field_comments(build) -> Dict[str, str]:
  """{field: comment} for the ConfigDict that `build()` returns, read from configs/ as described above."""
  import tfgan_repro.configs as configs_pkg
  roots = tuple(os.path.realpath(p) + os.sep for p in configs_pkg.__path__)
  history: Dict[str, List[Tuple[str, int]]] = {}
  original = ml_collections.ConfigDict.__setattr__

  def watched(self, name, value):
    frame = sys._getframe(1)
    for _ in range(4):  # the assignment's own frame, past ml_collections' internals
      path = os.path.realpath(frame.f_code.co_filename)
      if path.startswith(roots):
        history.setdefault(name, []).append((path, frame.f_lineno))
        break
      frame = frame.f_back
      if frame is None:
        break
    original(self, name, value)

  ml_collections.ConfigDict.__setattr__ = watched
  try:
    build()
  finally:
    ml_collections.ConfigDict.__setattr__ = original
  out = {}
  for name, places in history.items():
    for path, line in reversed(places):  # the most specific (last) assignment with a comment wins
      text = _comments(path).get(line)
      if text:
        out[name] = text
        break
  return out


def preset_comments(name: str, tiny: bool = False) -> Dict[str, str]:
  module = importlib.import_module(f"tfgan_repro.configs.{name}")
  return field_comments(module.get_tiny_config if tiny else module.get_config)


def _doc_first_paragraph(module) -> str:
  return " ".join((inspect.getdoc(module) or "").split("\n\n")[0].split())


def preset_summary(name: str) -> str:
  """The first paragraph of a preset's docstring (what it reproduces)."""
  return _doc_first_paragraph(importlib.import_module(f"tfgan_repro.configs.{name}"))


def preset_papers(name: str) -> str:
  """The papers a preset reproduces: the citations in its docstring, else its family base's."""
  module = importlib.import_module(f"tfgan_repro.configs.{name}")
  cites = _CITE.findall(_doc_first_paragraph(module))
  if not any("et al" in c for c in cites):  # e.g. "BEGAN (SPEC §1) on ...": the paper is named in the base
    for base in _family_bases(module):
      cites = [c for c in _CITE.findall(_doc_first_paragraph(base)) if c not in cites] + cites
  return ", ".join(dict.fromkeys(cites)) or "-"


_CONFIGS = "tfgan_repro.configs."


def _family_bases(module, seen=None) -> List:
  """The `*_base` modules a preset derives from, also through the sibling presets it imports (depth first)."""
  seen = set() if seen is None else seen
  out = []
  for value in vars(module).values():
    if inspect.ismodule(value) and value.__name__.startswith(_CONFIGS) and value.__name__ not in seen:
      seen.add(value.__name__)
      out += [value] if value.__name__.endswith("_base") else _family_bases(value, seen)
  return out


def list_table() -> str:
  """`--list`: model x dataset x resolution, and the paper (seed) each preset reproduces."""
  from tfgan_repro import presets
  rows = sorted((*presets.split_name(name), str(res), preset_papers(name), name)
                for name, res in presets.list_presets())
  rows = [r[:2] + (str(r[2]),) + r[3:] for r in sorted(rows, key=lambda r: (r[0], r[1], int(r[2])))]
  head = ("model", "dataset", "res", "reproduces", "preset (--preset=)")
  widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
  fmt = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
  lines = [fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]
  lines += ["", "Own images: --dataset=folder --data_dir=DIR [--resolution=R] [--classes=0,1] with any model runs",
            "  that model's preset closest in resolution on the folder (README, \"Own data\").",
            "Choose with --model=M --dataset=D [--resolution=R] or --preset=NAME; --help shows a preset's fields."]
  return "\n".join(lines)


def _wrap(flag: str, text: str, width: int = 110, indent: int = 30) -> str:
  head = f"  {flag}"
  body = textwrap.wrap(text, width - indent) or [""]
  if len(head) >= indent - 1:
    return "\n".join([head] + [" " * indent + b for b in body])
  return "\n".join([head.ljust(indent) + body[0]] + [" " * indent + b for b in body[1:]])


def help_text(config, flag_values, cli_flags: Sequence[str], program: str = "python -m tfgan_repro.main") -> str:
  """The grouped help: the CLI-only flags with their own help, config fields with their preset comment."""
  from tfgan_repro import presets
  preset_name = config.preset
  name = preset_name.split("/")[0]
  comments = preset_comments(name, preset_name.endswith("/tiny"))
  cli_help = {k: flag_values[k].help for k in cli_flags}
  lines = [f"usage: {program} [--model=M --dataset=D [--resolution=R] | --preset=NAME] [--tiny] [--FIELD=VALUE ...]",
           "       " + program + " --list    (every preset: model x dataset x resolution, and its paper)", "",
           f"Preset: {preset_name} (choose another with --model/--dataset/--preset; the defaults below are its values)",
           textwrap.fill(presets.describe(config, name), 110, initial_indent="  ", subsequent_indent="  "), ""]
  by_group: Dict[str, List[str]] = {g: [] for g in GROUPS}
  names = list(cli_help) + [k for k in config.keys() if k not in cli_help]
  for key in names:
    if key not in flag_values:
      continue
    flag = flag_values[key]
    value = flag.value
    if key in cli_help:
      text = cli_help[key]
      value = config[key] if key in config else value  # --model: the chosen preset's, not the flag's default
      shown = f"--{key}" if isinstance(value, bool) else f"--{key}={value!s}" if value != "" else f"--{key}=..."
    else:
      text = comments.get(key, "(no comment in the preset)")
      shown = f"--{key}={_show(value)}"
    by_group[group_of(key)].append(_wrap(shown, text))
  for group in GROUPS:
    if by_group[group]:
      lines += [f"{group}:"] + by_group[group] + [""]
  lines.append("absl's own flags (--verbosity, --logtostderr, ...): --helpfull.")
  return "\n".join(lines)


def _show(value) -> str:
  if isinstance(value, bool):
    return str(value).lower()
  return '""' if value == "" else str(value)


def wants_help(argv) -> bool:
  return any(a in ("-h", "--help", "-help", "--helpshort", "-?") for a in argv[1:])


def wants_list(argv) -> bool:
  return "--list" in argv[1:]



def emit(text: str) -> None:
  """Prints and exits 0; a closed pipe (`--help | head`) is not an error."""
  try:
    print(text, flush=True)
  except BrokenPipeError:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit-time flush is silent
  sys.exit(0)
