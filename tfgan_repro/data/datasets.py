"""What each dataset name means: where it can come from and how its images are framed."""
from typing import NamedTuple, Optional


CELEBA_ALIGNED_SIZE = (178, 218)  # (width, height) of img_align_celeba
CELEBA_CROP = (39, 19, 140)       # (top, left, side) of the centred square cut from an aligned image


class DatasetInfo(NamedTuple):
  tfds_name: Optional[str]   # None: no TFDS builder (bring a folder)
  channels: int
  num_classes: int           # 0: unlabelled
  crop: Optional[str]        # how a non-square image becomes square before resizing; see `frame`
  how_to_get: str


DATASETS = {
    "mnist": DatasetInfo("mnist", 1, 10, None,
                         "TFDS 'mnist' prepared under --data_dir, or the four MNIST IDX files in --data_dir"),
    "fashion_mnist": DatasetInfo("fashion_mnist", 1, 10, None,
                                 "`apt-get install dataset-fashion-mnist` (IDX files in "
                                 "/usr/share/datasets/fashion-mnist), TFDS 'fashion_mnist' under --data_dir, "
                                 "or the IDX files in --data_dir"),
    "cifar10": DatasetInfo("cifar10", 3, 10, None,
                           "TFDS 'cifar10' prepared under --data_dir, or an .npz with x/y arrays as --data_dir"),
    # CelebA's aligned images are 178x218 (w x h). Decision: a centred 140x140 square (rows 39..178, the face
    # and hair, little background) is cut out and then resized, for every resolution. Images of any other
    # size (e.g. faces already cropped to 64x64) are cut to their largest centred square instead: the
    # 140-px box is only meaningful in the aligned framing.
    "celeba": DatasetInfo("celeb_a", 3, 0, "celeba_140",
                          "TFDS 'celeb_a' prepared under --data_dir, or a folder of the aligned CelebA "
                          "images (img_align_celeba) as --data_dir"),
    # LSUN images vary in size: the largest centred square is cut out, then resized.
    "lsun": DatasetInfo("lsun/bedroom", 3, 0, "center_square",
                        "TFDS 'lsun/bedroom' prepared under --data_dir, or a folder of bedroom images "
                        "as --data_dir"),
    "faces256": DatasetInfo(None, 3, 0, "center_square",
                            "a folder of face images as --data_dir (seed 004's face set is private)"),
    "folder": DatasetInfo(None, 3, 0, "center_square", "a folder of images as --data_dir"),
}


def get_info(name: str) -> DatasetInfo:
  if name not in DATASETS:
    raise ValueError(f"Unknown dataset {name!r}; choose one of: {', '.join(sorted(DATASETS))}.")
  return DATASETS[name]


def channels_for(name: str, channels: int = 0) -> int:
  """The channels a run of `name` trains on: --channels when set (1 or 3), else the dataset's own."""
  return channels or get_info(name).channels
