"""`DataSpec`: what a run reads, each fact worked out once (the channel rule, the parsed --classes).

The trainer, the metric callback and the real statistics all take one, so they cannot disagree about which
images (and which framing) a run means. `open()` finds the source (`locate.find_source`); callers open it
once and hand the `Source` on.
"""
import dataclasses
from typing import Optional, Tuple

from tfgan_repro.data import datasets


def parse_classes(classes) -> Optional[list]:
  """'0,7' -> [0, 7]; '' or None -> None (all classes)."""
  if classes is None or classes == "" or classes == [] or classes == ():
    return None
  if isinstance(classes, str):
    try:
      return [int(c) for c in classes.split(",") if c.strip()]
    except ValueError:
      raise ValueError(f"--classes takes comma-separated integers such as 0,7; got {classes!r}.") from None
  return [int(c) for c in classes]


@dataclasses.dataclass(frozen=True)
class DataSpec:
  dataset: str                 # a key of datasets.DATASETS
  split: str
  resolution: int              # images are framed to (resolution, resolution)
  channels: int                # resolved: 1 or 3, never 0
  classes: Tuple[int, ...]     # kept labels in --classes order (renumbered 0..K-1); () = all
  data_dir: str = ""
  seed: int = 0                # orders TFDS files (in-memory and folder sources are shuffled by the pipeline)

  @classmethod
  def make(cls, dataset: str, *, split: str = "train", resolution: int = 32, channels: int = 0,
           classes=None, data_dir: str = "", seed: int = 0) -> "DataSpec":
    """channels 0 means the dataset's own; classes as '0,7', a sequence, or ''/None for all."""
    return cls(dataset, split or "train", int(resolution), datasets.channels_for(dataset, int(channels or 0)),
               tuple(parse_classes(classes) or ()), data_dir or "", int(seed or 0))

  def open(self):
    """-> locate.Source (reads the data; raises DataNotFoundError saying what was looked for where)."""
    from tfgan_repro.data import locate
    return locate.find_source(self.dataset, self.split, self.data_dir, with_classes=bool(self.classes),
                              seed=self.seed)
