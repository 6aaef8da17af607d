"""IGAN_v2 on Fashion-MNIST at 96x96 (seed 001 Fig. 5, §3; SPEC §3). Decisions: see igan_base.

CPU budget run (2 shared cores, ~8 min; the paper used an RTX 2070S): widths 8, batch 8 per class, the
learning-rate curve compressed 10x so it decays within the run, Fashion-MNIST reduced to 3000 train images
of each class as an .npz (the in-memory pipeline frames every image at 96x96x3 float32 first):
  --data_dir=fm_0_7.npz --g_width=8 --d_width=8 --batch_size=8 --lr_decay_steps=100 --steps=2000
  (stopped by `timeout 480`; the guard checkpoints on SIGTERM).
"""
from tfgan_repro.configs import igan_base


def get_config():
  c = igan_base.v2(igan_base.get_config())
  c.dataset = "fashion_mnist"
  c.classes = "0,7"            # decision: Fashion-MNIST's T-shirt/top and sneaker (igan_v2_mnist_96: digits
                               # 0 and 7); seed 001 Figs. 14-15 do not name their classes
  return c


def get_tiny_config():
  return igan_base.tiny(get_config())
