"""DCGAN with all five Improved Techniques (Salimans et al. 2016, arXiv:1606.03498; seed 003; SPEC §5).

Seed 003 presents feature matching, minibatch discrimination, historical averaging, one-sided label smoothing
and virtual batch norm as the fixes for DCGAN's unstable convergence. Everything else is the DCGAN preset's
(Radford's recipe: Adam 2e-4, beta1 0.5, batch 128), so this preset against the plain `dcgan` preset at the
same steps and batch isolates the five techniques.

Decisions (the texts leave these open):
- Feature matching on D's last hidden layer (the layer below the output, as improved-gan's code) which, with
  minibatch discrimination on, is [f, o]: G then also matches the real batches' minibatch features. On the
  plain block f alone G would get no signal from the minibatch layer (it replaces the logit loss).
- Historical averaging weight 1.0: the paper's term is unweighted and improved-gan never implemented it.
- Reference batch for VBN: 64 latents, one batch as in improved-gan's ImageNet code; costs G (64 + B) / B.
Deviations of the minibatch layer from improved-gan's code: see `tfgan_repro/networks/improved.py`.
"""


def improved(c):
  """The five techniques on top of any DCGAN preset (its data, networks, optimiser and steps stay).

  The techniques' sizes (minibatch kernels, VBN reference batch, feature-matching layer, historical weight)
  are `dcgan_base`'s, which already holds improved-gan's values; only the switches are set here.
  """
  c.model = "dcgan_improved"
  c.feature_matching = True           # Salimans 2016 §3.1
  c.minibatch_discrimination = True   # Salimans 2016 §3.2
  c.historical_averaging = True       # Salimans 2016 §3.3
  c.label_smoothing = 0.9             # Salimans 2016 §3.4 / seed 003: real targets 0.9, fakes 0
  c.virtual_batchnorm = True          # Salimans 2016 §3.5 / seed 003: VBN in G only
  return c
