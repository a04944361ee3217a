"""A notebook's checked claims: a comparison the text makes, asserted, and recorded when asked.

A notebook writes ``assert claim("LSTM beats the RNN (bits/char)", bpc_rnn - bpc_lstm, ">", 0.05)``:
:func:`claim` returns whether ``value op bound`` holds, so the notebook's own ``assert`` fails when
the figure would contradict the text. When ``COURSE_CLAIMS_FILE`` names a file, each claim is also
appended to it as one JSON line (name, value, op, bound, margin, holds, seed, mode);
``bench/claims_seeds.py`` reruns the notebooks on several seeds in both modes and collects them.
"""
import json
import math
import os

from course_utils import config

_OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def margin(value: float, op: str, bound: float) -> float:
    """How far ``value`` is on the right side of ``bound`` (negative: on the wrong side)."""
    return float(value) - float(bound) if op in (">", ">=") else float(bound) - float(value)


def claim(name: str, value, op: str, bound) -> bool:
    """True when ``value op bound`` holds (``op``: ``"<"``, ``"<="``, ``">"``, ``">="``); NaN never holds.

    Records the claim when ``COURSE_CLAIMS_FILE`` is set, whether or not it holds.
    """
    if op not in _OPS:
        raise ValueError(f"op must be one of {sorted(_OPS)}, got {op!r}")
    value, bound = float(value), float(bound)
    holds = not (math.isnan(value) or math.isnan(bound)) and bool(_OPS[op](value, bound))
    path = os.environ.get("COURSE_CLAIMS_FILE")
    if path:
        entry = {"name": name, "value": value, "op": op, "bound": bound,
                 "margin": margin(value, op, bound), "holds": holds,
                 "seed": config.course_seed(), "mode": config.mode_name()}
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
    return holds
