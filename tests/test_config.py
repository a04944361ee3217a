import numpy as np
import pytest
import torch

from course_utils import config


def test_fast_mode_follows_environment(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    assert config.is_fast() and config.pick("small", "big") == "small" and config.mode_name() == "fast"
    monkeypatch.setenv("COURSE_FAST", "0")
    assert not config.is_fast() and config.pick("small", "big") == "big"
    monkeypatch.delenv("COURSE_FAST")
    assert not config.is_fast()


def test_bad_fast_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "maybe")
    with pytest.raises(ValueError, match="COURSE_FAST"):
        config.is_fast()


def test_seed_everything_repeats_numbers():
    config.seed_everything(3)
    a = (np.random.rand(3), torch.rand(3))
    config.seed_everything(3)
    b = (np.random.rand(3), torch.rand(3))
    assert np.array_equal(a[0], b[0]) and torch.equal(a[1], b[1])


@pytest.mark.parametrize("bad, err", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(bad, err):
    with pytest.raises(err, match="seed"):
        config.seed_everything(bad)


def test_device_is_usable(monkeypatch):
    dev = config.device()
    assert torch.zeros(2, device=dev).sum().item() == 0
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert config.device().type == "cpu"
    monkeypatch.setenv("COURSE_DEVICE", "tpu")
    with pytest.raises(ValueError, match="COURSE_DEVICE"):
        config.device()


def test_set_threads_follows_argument_then_environment(monkeypatch):
    before = torch.get_num_threads()
    try:
        assert config.set_threads(2) == 2 and torch.get_num_threads() == 2
        monkeypatch.setenv("COURSE_THREADS", "1")
        assert config.set_threads() == 1 and torch.get_num_threads() == 1
        monkeypatch.delenv("COURSE_THREADS")
        assert config.set_threads() == 1
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("raw", ["0", "two", "-1", ""])
def test_set_threads_names_a_bad_environment_value(monkeypatch, raw):
    monkeypatch.setenv("COURSE_THREADS", raw)
    with pytest.raises(ValueError, match="COURSE_THREADS must be a whole number >= 1"):
        config.set_threads()


@pytest.mark.parametrize("bad", [0, 1.5, True, "2"])
def test_set_threads_names_a_bad_argument(bad):
    with pytest.raises(ValueError, match="n must be an int >= 1 or None"):
        config.set_threads(bad)


def test_course_seed_follows_environment(monkeypatch):
    monkeypatch.delenv("COURSE_SEED", raising=False)
    assert config.course_seed() == 0
    monkeypatch.setenv("COURSE_SEED", " 2 ")
    assert config.course_seed() == 2


@pytest.mark.parametrize("raw", ["-1", "one", "1.5", str(2**32)])
def test_course_seed_names_a_bad_environment_value(monkeypatch, raw):
    monkeypatch.setenv("COURSE_SEED", raw)
    with pytest.raises(ValueError, match="COURSE_SEED must be a whole number"):
        config.course_seed()
