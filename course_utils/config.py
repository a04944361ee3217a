"""Fast/full mode, seeds, threads and device: the settings every notebook starts with.

``COURSE_FAST=1`` in the environment (the tests set it) selects fast mode:
smaller corpora, fewer epochs, shorter sequences, so each notebook runs in well
under a minute. Full mode (the default) is what a class sees.
"""
import os
import random

import numpy as np
import torch

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def is_fast() -> bool:
    """True when the environment variable ``COURSE_FAST`` asks for fast mode."""
    raw = os.environ.get("COURSE_FAST", "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"COURSE_FAST must be one of 1/0/true/false/yes/no, got {raw!r}")


def pick(fast, full):
    """Return ``fast`` in fast mode and ``full`` otherwise (e.g. ``pick(1, 5)`` epochs)."""
    return fast if is_fast() else full


def mode_name() -> str:
    """``"fast"`` or ``"full"``, for printing at the top of a notebook."""
    return "fast" if is_fast() else "full"


def course_seed() -> int:
    """The seed a notebook's experiments start from: ``COURSE_SEED`` in the environment, else 0.

    ``bench/claims_seeds.py`` sets it to rerun the checked experiments on other seeds.
    """
    raw = os.environ.get("COURSE_SEED", "0").strip()
    if not raw.isdigit() or int(raw) >= 2**32:
        raise ValueError(f"COURSE_SEED must be a whole number in [0, 2**32), got {raw!r}")
    return int(raw)


def seed_everything(seed: int = 0) -> int:
    """Seed Python, NumPy and PyTorch so a notebook sees the same numbers each run.

    Returns the seed, so a notebook can print what it used.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return int(seed)


def device() -> torch.device:
    """The GPU when one is there, else the CPU. No notebook requires a GPU.

    ``COURSE_DEVICE=cpu`` forces the CPU (useful to compare timings).
    """
    wanted = os.environ.get("COURSE_DEVICE", "").strip().lower()
    if wanted not in ("", "cpu", "cuda"):
        raise ValueError(f"COURSE_DEVICE must be 'cpu' or 'cuda', got {wanted!r}")
    if wanted == "cpu":
        return torch.device("cpu")
    if torch.cuda.is_available():
        return torch.device("cuda")
    if wanted == "cuda":
        raise RuntimeError("COURSE_DEVICE=cuda but torch sees no CUDA device")
    return torch.device("cpu")


def set_threads(n=None) -> int:
    """Set how many CPU threads torch uses: ``n``, else ``COURSE_THREADS``, else 1; returns it.

    The course's models are small: one thread is faster than several competing for a shared
    CPU. The test suite sets ``COURSE_THREADS=1`` for every process and kernel (with
    ``OMP_NUM_THREADS=1``), so its two workers do not fight over two cores.
    """
    if n is None:
        raw = os.environ.get("COURSE_THREADS", "1").strip()
        if not raw.isdigit() or int(raw) < 1:
            raise ValueError(f"COURSE_THREADS must be a whole number >= 1, got {raw!r}")
        n = int(raw)
    elif isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an int >= 1 or None, got {n!r}")
    torch.set_num_threads(int(n))
    return int(n)
