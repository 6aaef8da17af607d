"""Data: `make_dataset` yields batches of float32 NHWC images in [-1, 1] from local sources only."""
from tfgan_repro.data.locate import Source, find_source, load_source
from tfgan_repro.data.pipeline import make_dataset
from tfgan_repro.data.spec import DataSpec, parse_classes
from tfgan_repro.data.sources import DataNotFoundError
