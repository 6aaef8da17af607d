"""Human-readable names of a data set's class ids, for labelling multi-branch sample grids."""
from pathlib import Path

from tfgan_repro.data.sources import IMAGE_SUFFIXES

CLASS_NAMES = {
    "mnist": tuple(str(d) for d in range(10)),
    # Xiao et al. 2017, "Fashion-MNIST", Table 1 (label -> description)
    "fashion_mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                      "Ankle boot"),
    # Krizhevsky 2009; the order of batches.meta / TFDS 'cifar10'
    "cifar10": ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
}


def folder_class_names(directory) -> tuple:
  """The first-level sub-folders holding images, sorted: the class ids `sources.list_image_folder` assigns."""
  directory = Path(directory)
  if not directory.is_dir():
    return ()
  has_images = lambda d: any(p.suffix.lower() in IMAGE_SUFFIXES for p in d.rglob("*"))
  return tuple(d.name for d in sorted(directory.iterdir()) if d.is_dir() and has_images(d))


def class_names(dataset: str, data_dir: str = "") -> tuple:
  """Names indexed by class id; () when the data set has none (unlabelled, or a folder without sub-folders)."""
  if dataset in CLASS_NAMES:
    return CLASS_NAMES[dataset]
  return folder_class_names(data_dir) if data_dir else ()
