"""The reproduction ledger behind `results/` (issue 7).

- `ledger`: every published number of SPEC §8 as data (value, protocol, our preset and command, and why it
  cannot run on this machine), plus the papers' claims that our runs can answer;
- `collect`: run directories -> `Run`s (config, run_info, scores, TensorBoard scalars) -> seed `Group`s;
- `figures`: matplotlib (Agg) figures of collected runs.
`python -m tfgan_repro.report` renders them to `results/`; `python -m tfgan_repro.sample` samples and exports
a checkpoint. Nothing here trains or evaluates: it only reads what runs and `tfgan_repro.evaluate` wrote.
"""
