"""Where an improved-DCGAN run's objectives pull (results/DISCUSSION.md, seed 003), from its newest checkpoint,
on one batch of training images (the run's data, framed as it trains) and the run's fixed latents:

- feature matching with minibatch discrimination on: the feature-matching loss split into the part from
  D's last block f and the part from the minibatch features o;
- historical averaging on: for each player, the gradient of its GAN objective (G: the feature-matching or
  non-saturating loss; D: the smoothed cross-entropy) beside the historical term's 2 w (theta - mean_t theta),
  their norms and the share of parameters where the historical term is the larger.

  python scripts/improved_dcgan_gradients.py --workdir=RUN [--batch=64]
"""
import argparse
import os

import numpy as np


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("--workdir", required=True, help="run directory of a dcgan_improved run")
  parser.add_argument("--batch", type=int, default=64, help="real and generated images (default 64)")
  args = parser.parse_args(argv)
  os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
  import tensorflow as tf
  from tfgan_repro.data import pipeline
  from tfgan_repro.losses import dcgan as dcgan_losses
  from tfgan_repro.losses import improved
  from tfgan_repro.training.restore import load_model

  model, config, step = load_model(args.workdir)
  real = next(iter(pipeline.make_dataset(config.dataset, config.resolution, args.batch, data_dir=config.data_dir,
                                         seed=config.seed, repeat=False)))["images"]
  z = model.fixed_latents(args.batch, 0)
  print(f"{args.workdir} at step {step}: {args.batch} real training images, fixed latents (seed 0)")

  layer = model.feature_matching_layer
  if layer is not None and config.minibatch_discrimination:
    fake = model.generator(z, training=True)
    f_real = model.discriminator(real, training=True)["features"][layer]
    f_fake = model.discriminator(fake, training=True)["features"][layer]
    diff = tf.reduce_mean(f_real, 0) - tf.reduce_mean(f_fake, 0)
    k = config.minibatch_kernels
    block, batch_part = float(tf.reduce_sum(diff[..., :-k] ** 2)), float(tf.reduce_sum(diff[..., -k:] ** 2))
    total = float(improved.feature_matching_loss(f_real, f_fake, model.feature_matching_distance))
    print(f"feature matching on layer {layer}: loss {total:.4g} = block features f {block:.4g} "
          f"+ minibatch features o {batch_part:.4g}")

  if model.historical_weight <= 0:
    print("historical averaging is off in this run")
    return 0

  def g_objective():
    return model.generator_loss(real, model.generator(z, training=True))

  def d_objective():
    fake = tf.stop_gradient(model.generator(z, training=True))
    return dcgan_losses.dcgan_discriminator_loss(model.discriminator(real, training=True)["logits"],
                                                 model.discriminator(fake, training=True)["logits"],
                                                 model.label_smoothing)

  for name, net, averages, objective in (("G", model.generator, model.g_average, g_objective),
                                         ("D", model.discriminator, model.d_average, d_objective)):
    with tf.GradientTape() as tape:
      loss = objective()
    grads = tape.gradient(loss, net.trainable_variables)
    gan = np.concatenate([np.abs(g.numpy()).ravel() for g in grads])
    hist = np.concatenate([np.abs(2 * model.historical_weight * (v.numpy() - a.numpy())).ravel()
                           for v, a in zip(net.trainable_variables, averages)])
    print(f"{name}: {gan.size} parameters; gradient norm of the GAN objective {np.linalg.norm(gan):.3g}, of the "
          f"historical term {np.linalg.norm(hist):.3g}; medians {np.median(gan):.3g} and {np.median(hist):.3g}; "
          f"the historical term is the larger for {100 * np.mean(hist > gan):.0f}% of the parameters")
  return 0


if __name__ == "__main__":
  raise SystemExit(main())
