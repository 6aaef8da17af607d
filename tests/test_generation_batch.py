"""`generate_images` calls the generator on chunks of about 256 32x32 images' worth of pixels: the memory of
an evaluation stays bounded at 96x96 (256 IGAN images of 96x96 in one eager call took 9.5 GB), and the
chunking does not change which images come out."""
import numpy as np

from tests.helpers import tiny_config
from tfgan_repro import gans


def test_the_chunk_holds_as_many_pixels_as_256_images_of_32x32():
  assert gans.build(tiny_config("began_fashion_mnist_32"), 1).generation_batch() == 256
  assert gans.build(tiny_config("igan_v2_celeba_96"), 3).generation_batch() == 28  # 256 * 32^2 // 96^2
  # The improved DCGAN's generator is a wrapper (virtual batch norm's reference batch), not a functional model.
  assert gans.build(tiny_config("dcgan_improved_fashion_mnist_32"), 1).generation_batch() == 256


def test_chunks_give_the_images_of_one_call():
  for preset, channels in (("igan_v2_celeba_96", 3), ("dcgan_fashion_mnist_32", 1)):
    model = gans.build(tiny_config(preset), channels)
    whole = model.generate_images(30, seed=3, batch_size=30)
    chunked = model.generate_images(30, seed=3)  # 2 chunks of 28 and 2 at 96x96; one of 30 at 32x32
    np.testing.assert_allclose(chunked, whole, atol=1e-5)
    assert not np.allclose(model.generate_images(30, seed=4), whole)  # another seed: other images
