"""Fields shared by every experiment. Model families add their own fields in `<family>_base.py`.

Every field is a command-line flag of `python -m tfgan_repro.main` (`--batch_size=32`).
"""
import ml_collections


def get_config() -> ml_collections.ConfigDict:
  c = ml_collections.ConfigDict()
  c.model = ""                # registry name, e.g. "dcgan", "began_skip"
  c.dataset = ""              # "mnist", "fashion_mnist", "cifar10", "celeba", "lsun", "faces256", ...
  c.resolution = 32           # images are resized/cropped to resolution x resolution
  c.channels = 0              # 0: the dataset's own (1 for (Fashion-)MNIST, 3 otherwise); 3 forces RGB
  c.classes = ""              # comma-separated class ids to keep ("" = all), e.g. "0,7"
  c.split = "train"           # the split read for training ("train"; "test" for a held-out check)
  c.data_dir = ""             # TFDS data_dir, an IDX folder, an image folder or an .npz file
  c.batch_size = 64
  c.steps = 10000             # generator updates
  c.seed = 0                  # seeds weights, data order and the sample grids' latents
  c.deterministic = False     # TF op determinism; resumed runs then equal uninterrupted ones
  # false | true | auto | bfloat16 | float16. true: bfloat16 on CPU, float16 + loss scaling on GPU; auto: float16
  # on GPU, bfloat16 on a CPU with native bf16 (avx512_bf16 / amx_bf16), else float32 (training/runtime.py).
  c.mixed_precision = "false"
  # Execution only (none changes what is trained; a run may resume with other values):
  c.threads = 0               # TF intra-op threads (0: TF's default, all usable cores); 1 for one run per core
  c.jit_compile = "auto"      # XLA for the step: auto (on a GPU only; on CPU measured slower for every family,
                              # results/PERFORMANCE.md) | true | false
  c.steps_per_execution = 1   # steps per call into TF; callbacks then run every N steps, so N is cut to divide
                              # the log/sample/checkpoint/eval cadences and the steps left (training/runtime.py)
  c.strategy = "default"      # default | mirrored | multiworker
  c.log_every = 50            # scalars to TensorBoard and the progress line
  c.sample_every = 500        # image grids (TensorBoard + PNG) of a fixed latent batch
  c.ckpt_every = 500          # steps between checkpoints (a run resumes from the newest)
  c.keep_checkpoints = 3      # newest checkpoints kept on disk
  c.num_samples = 64          # images in each sample grid
  # In-training score curves (seed 000 Figs. 6, 9): 0 = off. "classifier" works offline for
  # (Fashion-)MNIST; Inception networks need local weight files (see tfgan_repro.metrics).
  c.eval_every = 0
  c.eval_samples = 1000       # generated images per in-training score
  c.eval_network = "classifier"  # classifier | keras_inception | ttur_graph (tfgan_repro.metrics.features)
  c.eval_metrics = "fid"      # comma-separated: fid, is, precision, recall, density, coverage, class_kl
  c.eval_weights = ""         # local weight file of eval_network: TTUR's classify_image_graph_def.pb
                              # (ttur_graph, the paper-comparable curve), the Keras InceptionV3 .h5
                              # (keras_inception) or a classifier .keras; "" = the network's default location
  return c


def tiny(c: ml_collections.ConfigDict) -> ml_collections.ConfigDict:
  """Shrinks any preset to a smoke test: a few steps on tiny batches (the network stays per preset)."""
  c.batch_size = 4
  c.steps = 2
  c.log_every = 1
  c.sample_every = 2
  c.ckpt_every = 2
  c.num_samples = 4
  return c
