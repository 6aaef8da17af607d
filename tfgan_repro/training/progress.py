"""What a training run shows while it trains: step/total, ETA, elapsed, steps/s, img/s and the key scalars.

Two modes, chosen by `sys.stdout.isatty()`:
- a terminal: one line redrawn in place ("\\r") at most every `REDRAW_S` = 0.5 s, cut to the terminal's
  width (read at every redraw, so a resized window is followed); every --log_every step also leaves a full
  line behind it, so the terminal keeps a history of the losses;
- a log file, a pipe, nohup: plain lines, the first `FIRST_LINE_S` = 30 s after training starts (or at the
  end of the first step, if that is later), then one at least every `LINE_EVERY_S` = 60 s, plus one at
  every --log_every step and at the last step.

Speed is measured from the end of the first step (execution), which also traced and compiled the step
function, over about the last `WINDOW_S` = 60 s; ETA = remaining steps / that speed.

The scalars shown are the means since the last --log_every step (when TensorBoard received them and the
trackers were reset). Reading them waits for the device, so they are read only when a line is drawn; a
batch on which nothing is drawn reads nothing.
"""
import collections
import shutil
import sys
import time
from typing import Callable, Dict, Optional, Sequence

REDRAW_S = 0.5
FIRST_LINE_S = 30.0
LINE_EVERY_S = 60.0
WINDOW_S = 60.0
SAMPLE_S = 1.0  # at most one (time, step) sample a second: the window stays ~60 entries long


def hms(seconds: float) -> str:
  """1:02:03, or 3d 04:05:06 beyond a day (a 50k-step IGAN preset runs for days on a CPU)."""
  s = int(round(seconds))
  days, s = divmod(s, 86400)
  text = f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
  return f"{days}d {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" if days else text


def _num(x: float) -> str:
  return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def _count(n: int) -> str:
  return f"{n / 1e6:.2f}M" if n >= 1e6 else f"{n / 1e3:.1f}k" if n >= 1e3 else str(n)


def parameters_line(model) -> str:
  """'Parameters: G 3.58M, D 2.77M.'; IGAN's one discriminator per class reads 'D 2 x 1.20M = 2.40M'."""
  nets = dict(model.networks())  # {"generator": G, "discriminator": D} or IGAN's discriminator_0, ...
  g = nets.pop("generator").count_params()
  ds = [d.count_params() for d in nets.values()]
  if len(ds) == 1:
    d = _count(ds[0])
  elif len(set(ds)) == 1:
    d = f"{len(ds)} x {_count(ds[0])} = {_count(sum(ds))}"
  else:
    d = f"{' + '.join(map(_count, ds))} = {_count(sum(ds))}"
  return f"Parameters: G {_count(g)}, D {d}."


class _WipingStream:
  """sys.stdout while the bar is live: anything else printed first wipes the bar's line, so it starts at
  the left margin instead of after the bar; the bar comes back at its next redraw."""

  def __init__(self, stream, progress: "Progress"):
    self._stream, self._progress = stream, progress

  def write(self, text):
    if text:
      self._progress.wipe()
    return self._stream.write(text)

  def __getattr__(self, name):
    return getattr(self._stream, name)


class Progress:
  """The display; `ScalarLogger` calls `begin`, then `tick` every batch and `draw` when `tick` says so.

  total: the run's last step; images_per_step: images one step trains on (for img/s);
  key_names: scalars shown before the losses (e.g. BEGAN's k_t, m_global);
  tty / clock / columns: injectable for tests (default: sys.stdout.isatty(), time.perf_counter, the
  terminal's width).
  """

  def __init__(self, total: int, images_per_step: int, key_names: Sequence[str] = (), *,
               tty: Optional[bool] = None, clock: Callable[[], float] = time.perf_counter,
               columns: Optional[Callable[[], int]] = None, stream=None):
    self.total, self.images_per_step, self.key_names = total, images_per_step, tuple(key_names)
    self.tty = sys.stdout.isatty() if tty is None else tty
    self.clock = clock
    self.columns = columns or (lambda: shutil.get_terminal_size((80, 24)).columns)
    self._stream = stream
    self._showing = False  # the bar is on the current terminal line
    self._proxy = None

  def describe(self, log_every: int) -> str:
    steps = "every step" if log_every == 1 else f"every {log_every} steps"
    if self.tty:
      how = f"a live bar and a line {steps}"
    else:
      how = f"a line after {FIRST_LINE_S:g} s, then every {LINE_EVERY_S:g} s and {steps}"
    means = "" if log_every == 1 else f" (scalars: means since the last {log_every}-step mark)"
    return f"Progress: {how}{means}."

  # --- timing -------------------------------------------------------------------------------------
  def begin(self, step: int):
    self._out = self._stream or sys.stdout
    self.t_begin = self.clock()
    self.step, self.now = step, self.t_begin
    self._samples = collections.deque()  # (time, step) from the end of the first step on
    self._next = self.t_begin + (0.0 if self.tty else FIRST_LINE_S)
    if self.tty:
      self._proxy = sys.stdout = _WipingStream(sys.stdout, self)
      self._bar([f"step {step}/{self.total}", "first step: tracing and compiling..."])

  def tick(self, step: int, force: bool = False) -> bool:
    """Records the time at `step` (reads no log); True when a line or a redraw is due now."""
    now = self.clock()
    self.step, self.now = step, now
    first = not self._samples
    if first or now - self._samples[-1][0] >= SAMPLE_S:
      self._samples.append((now, step))
      while len(self._samples) > 2 and now - self._samples[1][0] >= WINDOW_S:
        self._samples.popleft()
    return force or step >= self.total or now >= self._next or (first and self.tty)

  @property
  def elapsed(self) -> float:
    return self.now - self.t_begin

  def speed(self) -> Optional[float]:
    """Steps/s over the window, from the end of the first step: None until a second step has ended."""
    t0, s0 = self._samples[0] if self._samples else (self.now, self.step)
    return (self.step - s0) / (self.now - t0) if self.step > s0 and self.now > t0 else None

  def eta(self) -> Optional[float]:
    speed = self.speed()
    return (self.total - self.step) / speed if speed else None

  # --- text ---------------------------------------------------------------------------------------
  def _pieces(self, values: Dict[str, float], lrs: Optional[Dict[str, float]], digits: int = 4) -> list:
    eta, speed = self.eta(), self.speed()
    # The model's own first (BEGAN's k_t and M_global say more than its losses), then the losses.
    key = {k: values[k] for k in self.key_names if k in values}
    key.update((k, v) for k, v in values.items() if k.endswith("loss"))
    pieces = [f"ETA {hms(eta) if eta is not None else '-'}, {hms(self.elapsed)} elapsed",
              f"{_num(speed)} steps/s, {_num(speed * self.images_per_step)} img/s" if speed else "- steps/s",
              " ".join(f"{k} {v:.{digits}g}" for k, v in key.items())]
    if lrs is not None:  # a --log_every line: everything TensorBoard got
      rest = {k: v for k, v in values.items() if k not in key}
      pieces += [" ".join(f"{k} {v:.4g}" for k, v in rest.items()),
                 "lr " + " ".join(f"{k} {v:.3g}" for k, v in lrs.items())]
    return [p for p in pieces if p]

  def line(self, values: Dict[str, float], lrs: Optional[Dict[str, float]] = None) -> str:
    """The plain line: 'step 157/400 (39%) | ETA 0:01:35, 0:01:02 elapsed | 2.51 steps/s, 161 img/s | ...'."""
    head = f"step {self.step}/{self.total} ({self.step / self.total:.0%})"
    return " | ".join([head] + self._pieces(values, lrs))

  def bar_line(self, values: Dict[str, float], columns: int) -> str:
    """The terminal line, at most `columns - 1` characters (the last column would wrap on some terminals).
    The bar itself gets only the room the numbers leave: a narrow terminal keeps the numbers."""
    rest = " | ".join(self._pieces(values, None, digits=3))  # 3 digits: more scalars fit
    head = f"step {self.step}/{self.total} {self.step / self.total:.0%}"
    width = min(20, columns - 1 - len(head) - len(rest) - 6)  # 6: " [", "]", " | "
    if width >= 5:
      filled = int(width * self.step / self.total)
      head = f"step {self.step}/{self.total} [{'#' * filled}{'-' * (width - filled)}] {self.step / self.total:.0%}"
    return self._fit([head, rest], columns)

  @staticmethod
  def _fit(pieces, columns: int) -> str:
    return " | ".join(pieces)[:max(columns - 1, 1)]

  # --- output -------------------------------------------------------------------------------------
  def draw(self, values: Dict[str, float], lrs: Optional[Dict[str, float]] = None):
    """Shows the state at the last `tick`; `lrs` given (a --log_every step) leaves a full line behind."""
    self._next = self.now + (REDRAW_S if self.tty else LINE_EVERY_S)
    if not self.tty:
      print(self.line(values, lrs), file=self._out, flush=True)
      return
    if lrs is not None or self.step >= self.total:
      self.wipe()
      self._out.write(self.line(values, lrs) + "\n")
      if self.step >= self.total:
        self._out.flush()
        return
    self._bar(None, values)

  def _bar(self, pieces=None, values=None):
    columns = self.columns()
    text = self._fit(pieces, columns) if pieces else self.bar_line(values, columns)
    self._out.write("\r" + text.ljust(columns - 1))
    self._out.flush()
    self._showing = True

  def wipe(self):
    if self._showing:
      self._showing = False
      self._out.write("\r" + " " * (self.columns() - 1) + "\r")

  def end(self):
    if self._showing:  # stopped early (a signal, a non-finite loss): keep the last state on screen
      self._showing = False
      self._out.write("\n")
      self._out.flush()
    if self._proxy is not None and sys.stdout is self._proxy:
      sys.stdout = self._proxy._stream
    self._proxy = None
