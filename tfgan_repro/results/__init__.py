"""The reproduction ledger behind `results/` (issue 7).

- `ledger`: every published number of SPEC §8 as data (value, protocol, our preset and command, and why it
  cannot run on this machine), plus the papers' claims that our runs can answer;
- `collect`: run directories -> `Run`s (config, run_info, scores, TensorBoard scalars) -> seed `Group`s;
- `verdicts`: the ledger against those groups: each number's status, each claim's verdict;
- `figures`: matplotlib (Agg) figures of collected runs;
- `render`: the markdown pages of `results/` (`write_report`);
- `archive`: compact, committable records of run directories (results/runs/).
`python -m tfgan_repro.report` is the command line on `render`. Nothing here trains or evaluates: it only reads
what runs and `tfgan_repro.evaluate` wrote (interpolation strips are drawn by `tfgan_repro.sampling`).
"""
