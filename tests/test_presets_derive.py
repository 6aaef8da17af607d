"""Presets that derive from a sibling (issue 14 item 4) resolve to the values SPEC fixes, and differ from their
sibling in exactly the fields the derivation names: BEGAN-skip from BEGAN, the Improved-Techniques DCGAN from
DCGAN, and the IGAN_v2 / IGAN_VN LSUN and MNIST presets from their CelebA and Fashion-MNIST twins."""
import pytest

from tfgan_repro import presets


def _fields(name, tiny=False):
  config = presets.load(name, tiny).to_dict()
  del config["preset"]  # the preset's own name
  return config


def _diff(a, b, tiny=False):
  """{field: (a's value, b's value)} where presets a and b differ; both must have the same fields."""
  fa, fb = _fields(a, tiny), _fields(b, tiny)
  assert sorted(fa) == sorted(fb), (a, b)
  return {k: (fa[k], fb[k]) for k in fa if fa[k] != fb[k]}


@pytest.mark.parametrize("tiny", [False, True])
@pytest.mark.parametrize("data", ["celeba_64", "cifar10_32", "fashion_mnist_32"])
def test_began_skip_is_began_with_skip_connections_and_anchored_rates(data, tiny):
  assert _diff(f"began_skip_{data}", f"began_{data}", tiny) == {  # seed 000 §2; SPEC §2 decision
      "model": ("began_skip", "began"), "skip_connections": (True, False), "lr_reading": ("anchored", "began")}


_IMPROVED = {"model": ("dcgan_improved", "dcgan"), "feature_matching": (True, False),  # Salimans 2016 §3.1-3.5
             "minibatch_discrimination": (True, False), "historical_averaging": (True, False),
             "label_smoothing": (0.9, 1.0), "virtual_batchnorm": (True, False)}


@pytest.mark.parametrize("tiny", [False, True])
@pytest.mark.parametrize("data", ["cifar10_32", "fashion_mnist_32"])
def test_dcgan_improved_is_dcgan_with_the_five_techniques(data, tiny):
  assert _diff(f"dcgan_improved_{data}", f"dcgan_{data}", tiny) == _IMPROVED


@pytest.mark.parametrize("tiny", [False, True])
@pytest.mark.parametrize("model", ["igan_v2", "igan_vn"])
def test_igan_branch_presets_differ_from_their_twin_only_in_the_data(model, tiny):
  assert _diff(f"{model}_lsun_96", f"{model}_celeba_96", tiny) == {"dataset": ("lsun", "celeba")}
  assert _diff(f"{model}_mnist_96", f"{model}_fashion_mnist_96", tiny) == {"dataset": ("mnist", "fashion_mnist")}


# Values the papers (or SPEC's decisions) fix for the derived presets.
EXPECTED = {
    "began_skip_celeba_64": dict(resolution=64, batch_size=16, steps=100000, gamma=0.5, lambda_k=0.001),
    "began_skip_cifar10_32": dict(resolution=32, batch_size=64, steps=100000),      # seed 000 §4
    "began_skip_fashion_mnist_32": dict(resolution=32, batch_size=64, steps=100000),  # seed 000 §3.2
    "dcgan_improved_cifar10_32": dict(resolution=32, batch_size=128, steps=20000, g_lr=2e-4, beta1=0.5,
                                      minibatch_kernels=100, minibatch_kernel_dim=5, vbn_reference_size=64,
                                      historical_weight=1.0, feature_matching_layer=-1),
    "dcgan_improved_fashion_mnist_32": dict(dataset="fashion_mnist", resolution=32, steps=20000),
    "igan_v2_celeba_96": dict(num_branches=2, stride1_convs=True, classes="", steps=50000),
    "igan_v2_lsun_96": dict(num_branches=2, stride1_convs=True, classes="", steps=50000, gp_weight=5.0),
    "igan_v2_fashion_mnist_96": dict(num_branches=2, classes="0,7", steps=20000, channels=3),
    "igan_v2_mnist_96": dict(num_branches=2, classes="0,7", steps=20000, channels=3, resolution=96),
    "igan_vn_celeba_96": dict(model="igan_vn", num_branches=3, classes="", steps=50000),
    "igan_vn_lsun_96": dict(model="igan_vn", num_branches=3, classes="", steps=50000),
    "igan_vn_fashion_mnist_96": dict(num_branches=0, classes="0,1,2,3,4,5,6,7,8,9", steps=20000),
    "igan_vn_mnist_96": dict(num_branches=0, classes="0,1,2,3,4,5,6,7,8,9", steps=20000),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_derived_presets_keep_the_papers_values(name):
  config = _fields(name)
  assert {k: config[k] for k in EXPECTED[name]} == EXPECTED[name]
  assert config["dataset"] in name


def test_tiny_variants_keep_the_preset_resolution_and_shrink_the_run():
  for name, res in presets.list_presets():
    full, tiny = _fields(name), _fields(name, tiny=True)
    assert tiny["resolution"] == full["resolution"] == res, name
    assert (tiny["steps"], tiny["batch_size"]) == (2, 4), name
  assert _fields("igan_vn_mnist_96", tiny=True)["classes"] == "0,1,2"  # three branches at test cost


def test_help_of_a_derived_preset_reaches_its_siblings_lines():
  """--help and --list read comments and papers through the derivation chain (sibling preset -> family base)."""
  from tfgan_repro import cli_help
  comments = cli_help.preset_comments("began_skip_celeba_64")
  assert comments["resolution"] == "seed 000 §3.1 / §3.2: images resized to 64x64"  # began_celeba_64's line
  assert comments["skip_connections"] == "seed 000 §2"                              # began_base.skip's line
  assert cli_help.preset_comments("dcgan_improved_cifar10_32")["label_smoothing"].startswith("Salimans 2016 §3.4")
  # igan_vn_mnist_96 imports only its Fashion-MNIST twin; the paper is named in igan_base, two imports away.
  assert cli_help.preset_papers("igan_vn_mnist_96") == "Meng et al. 2022, seed 001"
