"""Argument checks for the functions a learner calls: a bad argument fails at once, with a message naming it.

Used at the learner's boundary only: the functions notebooks, exercises and
widgets call with the learner's input, and the top-level train / generate /
encode / evaluate functions. Code inside the package trusts its own callers.
Every message names the argument, says what was expected and shows what came.
"""
import numbers

import numpy as np
import torch

# A size that would need more memory than this is refused, with the limit in the message: well inside a
# learner's laptop or a hub's share, and far beyond anything the notebooks use.
MAX_BYTES = 2 * 1024**3


def _shown(value) -> str:
    """A short description of ``value`` for a message (a type for big objects, a repr otherwise)."""
    if isinstance(value, (np.ndarray, torch.Tensor)):
        return f"{type(value).__name__} of shape {tuple(value.shape)}"
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__} ({text[:40]}...)"


def positive_int(name: str, value, minimum: int = 1, hint: str = "", maximum: int | None = None) -> int:
    """``value`` as a Python int, or a ValueError if it is not an int in ``[minimum, maximum]``.

    Accepts Python and numpy integers, refuses bools. ``hint`` (optional) is put in
    parentheses after the bound: ``n must be an int >= 1 (1 = unigram), got 0``. A
    ``maximum`` is for sizes that would take minutes or gigabytes: say why in ``hint``.
    """
    bad = isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum
    if bad or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        note = f" ({hint})" if hint else ""
        raise ValueError(f"{name} must be an int {bound}{note}, got {_shown(value)}")
    return int(value)


def positive_ints(**sizes) -> tuple[int, ...]:
    """:func:`positive_int` (minimum 1) on each keyword, in order; returns the values as Python ints."""
    return tuple(positive_int(name, value) for name, value in sizes.items())


def finite_number(name: str, value, minimum: float | None = None, maximum: float | None = None,
                  above: float | None = None, hint: str = "") -> float:
    """``value`` as a float, or a ValueError if it is not a finite real number within the bounds.

    ``minimum`` and ``maximum`` are inclusive, ``above`` is a strict lower bound
    (``lr`` must be > 0). Refuses bools, strings, NaN and inf.
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    ok = ok and (minimum is None or value >= minimum) and (maximum is None or value <= maximum)
    ok = ok and (above is None or value > above)
    if not ok:
        bounds = [f">= {minimum:g}" if minimum is not None else "", f"> {above:g}" if above is not None else "",
                  f"<= {maximum:g}" if maximum is not None else ""]
        bounds = " and ".join(b for b in bounds if b)
        note = f" ({hint})" if hint else ""
        raise ValueError(f"{name} must be a finite number{' ' + bounds if bounds else ''}{note}, got {_shown(value)}")
    return float(value)


def choice(name: str, value, options) -> str:
    """``value`` if it is one of ``options``, or a ValueError listing them."""
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}, got {_shown(value)}")
    return value


def finite_array(name: str, value, ndim: int | None = None, what: str = "") -> np.ndarray:
    """``value`` (list, array or tensor) as a float64 array, or a ValueError if it holds NaN or inf.

    ``ndim`` (optional) is the number of dimensions expected; ``what`` names the
    shape in the message (``"(V, d)"``). The message says where the first bad entry is.
    """
    if torch.is_tensor(value):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers{' ' + what if what else ''}, "
                         f"got {_shown(value)}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D{' ' + what if what else ''}, got shape {array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f"row {first[0]}" if array.ndim == 2 else f"index {first if len(first) > 1 else first[0]}"
        raise ValueError(f"{name} holds {int(bad.sum())} NaN or inf entries (the first at {where}); "
                         f"NaN in weights or vectors usually means training diverged")
    return array


def finite_parameters(name: str, model: torch.nn.Module) -> torch.nn.Module:
    """``model`` itself, or a ValueError naming the first parameter that holds NaN or inf."""
    for pname, p in model.named_parameters():
        if not torch.isfinite(p).all():
            raise ValueError(f"{name}'s parameter {pname} holds NaN or inf: training diverged "
                             f"(try a smaller lr or clipping) or the weights were overwritten")
    return model


WORDS = "for words, vocab.encode"  # how text becomes ids, said when text comes where ids are expected


def _short_text(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def int_ids(ids, name: str = "ids", hint: str = "", encode: str = WORDS) -> np.ndarray:
    """A 1-D sequence of integer ids (list, array or tensor) as an int64 array of shape ``(n,)``.

    Empty is allowed. Text (a string or a list of words), a single id or a wrong shape
    is a ValueError, a non-integer dtype a TypeError; ``hint`` (optional) is put in
    parentheses after "1-D"; ``encode`` says how text becomes ids (``"for words, vocab.encode"``).
    """
    if isinstance(ids, str):
        raise ValueError(f"{name} must be a sequence of integer ids, got the string {_short_text(ids)}: "
                         f"turn text into ids first ({encode})")
    if torch.is_tensor(ids):
        ids = ids.detach().cpu().numpy()
    try:
        ids = np.asarray(ids)
    except ValueError:  # a ragged list of lists
        raise ValueError(f"{name} must be one 1-D sequence of ids, got lists of different lengths") from None
    if ids.ndim == 0 and np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"{name} must be 1-D (a sequence of ids), got the single id {ids}; pass [{ids}]")
    if ids.ndim != 1:
        note = f" ({hint})" if hint else ""
        raise ValueError(f"{name} must be 1-D{note}, got shape {ids.shape}")
    if ids.dtype.kind in "US":
        raise ValueError(f"{name} must be integer ids, got words {_short_text(' '.join(map(str, ids[:5])))}; "
                         f"encode them first ({encode})")
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"{name} must be integers, got dtype {ids.dtype}")
    return ids.astype(np.int64, copy=False)


def id_sequences(seqs, name: str = "seqs", item: str = "", vocab_size: int | None = None,
                 encode: str = WORDS, one: str = "ids", empty_ok: bool = False) -> list[np.ndarray]:
    """A list of id sequences as int64 arrays, each checked by :func:`int_ids` (non-empty unless ``empty_ok``).

    ``item`` names ``seqs[i]`` in a message, with ``{i}`` for the index (default
    ``"seqs[{i}]"``); ``one`` is what to wrap in a list when a single sequence comes
    (``"for one sequence, pass [ids]"``). With ``vocab_size`` every id must be in ``[0, vocab_size)``.
    """
    item = item or name + "[{i}]"
    if isinstance(seqs, str):
        raise ValueError(f"{name} must be a list of id sequences, got the string {_short_text(seqs)}: "
                         f"turn text into ids first ({encode}) and pass a list of them")
    if not hasattr(seqs, "__len__") or len(seqs) == 0:
        raise ValueError(f"{name} must be a non-empty list of id sequences, got {_shown(seqs)}")
    if np.ndim(seqs[0]) == 0 and not isinstance(seqs[0], str):
        raise ValueError(f"{name} must be a list of id sequences, got {_shown(seqs)}; "
                         f"for one sequence, pass [{one}]")
    rows = []
    for i, s in enumerate(seqs):
        row = int_ids(s, item.format(i=i), encode=encode)
        if row.size == 0 and not empty_ok:
            raise ValueError(f"{item.format(i=i)} must hold at least one id, got none")
        rows.append(row)
    if vocab_size is not None:
        for i, row in enumerate(rows):
            _in_vocabulary(item.format(i=i), row, vocab_size)
    return rows


def _in_vocabulary(name: str, ids: np.ndarray, vocab_size: int) -> None:
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"{name} must be ids in [0, {vocab_size}) (the model's vocabulary), "
                         f"got {int(ids.min())}..{int(ids.max())}: encode with the vocabulary the model was built for")


def vocabulary_size(model) -> int | None:
    """The number of ids ``model`` can read (``model.embed.num_embeddings``), or None if it has no ``embed`` table."""
    embed = getattr(model, "embed", None)
    return embed.num_embeddings if isinstance(embed, torch.nn.Embedding) else None


def model_ids(model, ids, name: str = "ids", hint: str = "", encode: str = WORDS) -> np.ndarray:
    """``ids`` as an int64 array ``(n,)`` that ``model`` can read, after checking the model's weights are finite.

    For the functions a learner calls with a language model: a string, an id outside the
    model's vocabulary (``model.embed``) or NaN in the weights is a ValueError naming it.
    """
    finite_parameters("model", model)
    ids = int_ids(ids, name, hint, encode)
    if vocabulary_size(model) is not None:
        _in_vocabulary(name, ids, vocabulary_size(model))
    return ids


def list_of_pairs(name: str, value, pair: str, one: str, hint: str = "") -> None:
    """Refuse ``value`` unless it is a non-empty list of 2-item pairs.

    ``pair`` describes one pair in messages (``"(ids, label)"``), ``one`` names it (``"example"``);
    ``hint`` (optional) says where the pairs come from.
    """
    note = f" ({hint})" if hint else ""
    if isinstance(value, str) or not hasattr(value, "__len__") or len(value) == 0:
        raise ValueError(f"{name} must hold at least one {pair} {one}{note}, got {_shown(value)}")
    first = value[0]
    if not isinstance(first, str) and hasattr(first, "__len__") and len(first) and np.ndim(first[0]) == 0 \
            and not isinstance(first[0], str):
        raise ValueError(f"{name} must be a list of {pair} {one}s, got one {one}; for one {one}, pass [{one}]")
    for i, item in enumerate(value):
        if isinstance(item, str) or not hasattr(item, "__len__") or len(item) != 2:
            raise ValueError(f"{name}[{i}] must be a {pair} {one}{note}, got {_shown(item)}")
