"""An RNN encoder-decoder: teacher forcing to train, greedy and beam search to decode (notebook 13).

The encoder reads ``x_1..x_n`` and keeps only its last state ``h_n`` (the
"thought vector"). The decoder starts from ``h_n``, reads ``<s> y_1 .. y_{i-1}``
and predicts ``y_i``: during training it reads the *true* previous tokens
(teacher forcing); at inference it reads its *own* previous predictions.
Token ids follow :mod:`course_utils.data.generated_tasks`: 0 = PAD, 1 = BOS, 2 = EOS.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils import padding
from course_utils.data.generated_tasks import BOS, EOS, PAD
from course_utils.checks.arguments import (finite_parameters, id_sequences, list_of_pairs, model_ids, positive_int,
                                          positive_ints, vocabulary_size)
from course_utils.training import check_training_arguments, record, scheduled_lr, update

MAX_LEN = 1000    # decoder steps: ~0.3 ms each for the notebook's model
MAX_BEAM = 1000   # beam_decode keeps beam_size states and loops over them in Python every step
SYMBOLS = "generated_tasks.text_to_symbols(text, n_symbols)"  # how the tasks' text becomes ids


class Seq2Seq(nn.Module):
    """GRU encoder -> ``h_n`` -> GRU decoder with a linear output layer ``W_hy``.

    ``forward(src (batch, n), src_lengths (batch,), dec_in (batch, m))`` returns
    logits ``(batch, m, vocab)``: the teacher-forced scores for each next token.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden_size: int = 64):
        super().__init__()
        vocab_size, embed_dim, hidden_size = positive_ints(vocab_size=vocab_size, embed_dim=embed_dim,
                                                           hidden_size=hidden_size)
        if vocab_size <= EOS + 1:
            raise ValueError(f"vocab_size must leave room for PAD, BOS, EOS and a symbol, got {vocab_size}")
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.encoder = nn.GRU(embed_dim, hidden_size, batch_first=True)
        self.decoder = nn.GRU(embed_dim, hidden_size, batch_first=True)
        self.W_hy = nn.Linear(hidden_size, vocab_size)

    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor) -> torch.Tensor:
        """The thought vector ``h_n``: shape ``(1, batch, hidden)``."""
        packed = pack_padded_sequence(self.embed(src), src_lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_n = self.encoder(packed)
        return h_n

    def decode_step(self, y_prev: torch.Tensor, h: torch.Tensor):
        """One decoder step: previous tokens ``(batch,)``, state ``(1, batch, hidden)`` -> log-probs, new state."""
        out, h = self.decoder(self.embed(y_prev)[:, None, :], h)
        return torch.log_softmax(self.W_hy(out[:, 0]), dim=-1), h

    def forward(self, src, src_lengths, dec_in):
        out, _ = self.decoder(self.embed(dec_in), self.encode(src, src_lengths))
        return self.W_hy(out)


def teacher_forcing_batch(targets):
    """Decoder inputs ``<s> y_1..y_m`` and targets ``y_1..y_m </s>``, padded: two ``(batch, m + 1)`` tensors."""
    dec_in, _ = padding.pad_sequences([[BOS, *t] for t in targets], pad_id=PAD)
    dec_out, _ = padding.pad_sequences([[*t, EOS] for t in targets], pad_id=PAD)
    return dec_in, dec_out


def train_seq2seq(model: nn.Module, pairs, epochs: int = 5, batch_size: int = 64, lr: float = 3e-3,
                  clip: float | None = 1.0, seed: int = 0, decay: bool = False, device=None,
                  progress: bool = True, on_step=None) -> dict:
    """Teacher-forced training on ``[(source ids, target ids)]``.

    The reference copy of the loop notebook 13 writes out.
    ``model(src (batch, n), src_lengths (batch,), dec_in (batch, m))`` must return logits
    ``(batch, m, vocab)``, as :class:`Seq2Seq` does. ``seed`` orders the length-bucketed
    batches. ``decay=True`` lowers the learning rate from ``lr`` to 0 along a half cosine
    over the run, so the loss settles by the last batch. ``clip`` (``None``: off) caps the
    gradient norm. ``on_step(step, history)`` is called after every update (``step`` = 1,
    2, ...), e.g. to measure the model while it trains; training goes on in train mode
    afterwards. Returns ``{"nats": [cross-entropy per target token of every update]}``;
    the model is left in eval mode.
    """
    from tqdm.auto import tqdm

    check_training_arguments(model, lr, clip, epochs=epochs, batch_size=batch_size)
    _check_pairs(model, pairs)
    device = device or next(model.parameters()).device
    model.to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n_steps = epochs * -(-len(pairs) // batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: scheduled_lr(1.0, step / n_steps, "cosine", warmup=0) if decay else 1.0)
    history = {"nats": []}
    bar = tqdm(total=n_steps, desc="seq2seq", disable=not progress)
    for epoch in range(epochs):
        for index in padding.make_batches([len(s) for s, _ in pairs], batch_size, seed=seed + epoch):
            src, src_len = padding.pad_sequences([pairs[i][0] for i in index])
            dec_in, dec_out = teacher_forcing_batch([pairs[i][1] for i in index])
            logits = model(src.to(device), src_len, dec_in.to(device))
            loss = padding.masked_cross_entropy(logits, dec_out.to(device), (dec_out != PAD).to(device))
            update(model, opt, loss, clip)
            schedule.step()
            record(history, "nats", loss.item(), model, on_step, bar)
    bar.close()
    model.eval()
    return history


def _check_pairs(model, pairs) -> None:
    """Refuse ``pairs`` unless it is a list of (source ids, target ids) that ``model`` can read."""
    list_of_pairs("pairs", pairs, "(source ids, target ids)", "pair")
    vocab_size = vocabulary_size(model)
    id_sequences([s for s, _ in pairs], "pairs", "pairs[{i}][0]", vocab_size, SYMBOLS)
    id_sequences([t for _, t in pairs], "pairs", "pairs[{i}][1]", vocab_size, SYMBOLS, empty_ok=True)


@torch.no_grad()
def greedy_decode(model: Seq2Seq, sources, max_len: int = 30) -> list[list[int]]:
    """Feed back the most probable token at each step, for a batch of sources; stop at ``</s>``.

    Returns the output ids of each source without BOS/EOS.
    """
    max_len = positive_int("max_len", max_len, maximum=MAX_LEN)
    finite_parameters("model", model)
    id_sequences(sources, "sources", vocab_size=vocabulary_size(model), encode=SYMBOLS, one="source")
    src, src_len = padding.pad_sequences(sources)
    device = next(model.parameters()).device
    model.eval()
    h = model.encode(src.to(device), src_len)
    y = torch.full((len(sources),), BOS, dtype=torch.long, device=device)
    steps = []
    for _ in range(max_len):
        logp, h = model.decode_step(y, h)
        y = logp.argmax(-1)
        steps.append(y)
    outputs = []
    for row in torch.stack(steps, dim=1).tolist():
        outputs.append(row[: row.index(EOS)] if EOS in row else row)
    return outputs


@torch.no_grad()
def sequence_log_prob(model: Seq2Seq, source, output) -> float:
    """``log P(output </s> | source)`` under the model (natural log)."""
    source = _check_source(model, source)
    model_ids(model, output, "output", encode=SYMBOLS)
    device = next(model.parameters()).device
    model.eval()
    src, src_len = padding.pad_sequences([source])
    dec_in, dec_out = teacher_forcing_batch([output])
    logp = torch.log_softmax(model(src.to(device), src_len, dec_in.to(device)), dim=-1)[0]
    return float(logp.gather(1, dec_out.to(device)[0][:, None]).sum())


def _check_source(model, source) -> np.ndarray:
    if not isinstance(source, str) and hasattr(source, "__len__") and len(source) and np.ndim(source[0]) > 0:
        raise ValueError("source must be one sequence of ids, got a list of sequences "
                         "(greedy_decode takes a list of sources; beam_decode one)")
    source = model_ids(model, source, "source", hint="one source; greedy_decode takes a list of them",
                       encode=SYMBOLS)
    if source.size == 0:
        raise ValueError("source must hold at least one id, got none")
    return source


def _check_length_norm(length_norm) -> float:
    if isinstance(length_norm, bool) or not isinstance(length_norm, (int, float, np.integer, np.floating)) \
            or not (math.isfinite(length_norm) and length_norm >= 0):
        raise ValueError(f"length_norm must be a number >= 0 (0 = raw log-prob sums, 1 = mean log-prob "
                         f"per token), got {length_norm!r}")
    return float(length_norm)


def normalised_score(log_prob: float, n_tokens: int, length_norm: float = 0.0) -> float:
    """``log_prob / n_tokens ** length_norm``: the score :func:`beam_decode` ranks finished outputs by.

    ``n_tokens`` counts every scored token, ``</s>`` included (an output of m ids has m + 1).
    """
    return log_prob / n_tokens ** length_norm


@torch.no_grad()
def beam_decode(model: Seq2Seq, source, beam_size: int = 3, max_len: int = 30,
                length_norm: float = 0.0) -> tuple[list[int], float]:
    """Beam search for one source ``(n,)`` ids: keep the ``beam_size`` best partial outputs.

    At every step each open hypothesis is extended by every token (totals of
    shape ``(open, vocab)``) and the ``beam_size`` highest total log-probs
    survive. A hypothesis that emits ``</s>`` is finished and keeps the slot
    it won: one fewer open hypothesis is extended at the next step.

    Finished outputs ``y`` are ranked by ``log P(y </s> | x) / (|y| + 1) ** length_norm``
    (the ``+ 1`` is the ``</s>``; see :func:`normalised_score`). ``length_norm=0``
    ranks by the raw sum, which favours short outputs, since every token adds
    a negative log-prob; ``1`` ranks by the mean log-prob per token. All the
    candidates of one step have the same length, so ``length_norm`` changes
    only which finished output wins (a different winner is always longer) and
    when the search stops: once no open hypothesis, whose log-prob can only
    fall, could still beat the best finished one within ``max_len`` steps.

    Returns ``(output ids without BOS/EOS, log P(output </s> | source))``: the
    raw natural-log probability, whatever ``length_norm``. If no hypothesis ends
    within ``max_len`` steps, the best open one and its log-prob (no ``</s>``).
    """
    beam_size = positive_int("beam_size", beam_size, maximum=MAX_BEAM)
    max_len = positive_int("max_len", max_len, maximum=MAX_LEN)
    length_norm = _check_length_norm(length_norm)
    source = _check_source(model, source)
    device = next(model.parameters()).device
    model.eval()
    src, src_len = padding.pad_sequences([source])
    h = model.encode(src.to(device), src_len)
    beams = [([], 0.0)]  # (tokens so far, log-prob); states kept row by row in h
    finished = []
    for _ in range(max_len):
        y_prev = torch.tensor([toks[-1] if toks else BOS for toks, _ in beams], device=device)
        logp, h = model.decode_step(y_prev, h)
        total = torch.tensor([s for _, s in beams], device=device)[:, None] + logp
        best = total.flatten().topk(min(beam_size, total.numel()))
        kept, rows = [], []
        for score, flat in zip(best.values.tolist(), best.indices.tolist()):
            row, token = divmod(flat, logp.shape[1])
            if token == EOS:
                finished.append((beams[row][0], score))
            else:
                kept.append((beams[row][0] + [token], score))
                rows.append(row)
        best_done = max((normalised_score(s, len(t) + 1, length_norm) for t, s in finished), default=-np.inf)
        # the best an open hypothesis could still reach: its log-prob now, over the longest length
        if not kept or best_done >= normalised_score(max(s for _, s in kept), max_len, length_norm):
            break
        beams, h = kept, h[:, rows]
    if not finished:  # no hypothesis ended within max_len: return the best open one
        finished = beams
    tokens, score = max(finished, key=lambda f: normalised_score(f[1], len(f[0]) + 1, length_norm))
    return tokens, float(score)


def accuracy_by_length(sources, targets, outputs) -> dict:
    """Exact-match and per-token accuracy grouped by source length.

    Returns ``{length: {"n", "exact", "token"}}``; per-token accuracy compares
    position by position up to the target length (a missing token is wrong).
    """
    if not len(sources) == len(targets) == len(outputs):
        raise ValueError(f"sources, targets and outputs must have the same length, got "
                         f"{len(sources)}, {len(targets)}, {len(outputs)}")
    groups = {}
    for src, tgt, out in zip(sources, targets, outputs):
        g = groups.setdefault(len(src), {"n": 0, "exact": 0, "token": 0.0})
        g["n"] += 1
        g["exact"] += int(list(out) == list(tgt))
        g["token"] += np.mean([i < len(out) and out[i] == t for i, t in enumerate(tgt)])
    return {L: {"n": g["n"], "exact": g["exact"] / g["n"], "token": g["token"] / g["n"]}
            for L, g in sorted(groups.items())}


def decode_report(model: Seq2Seq, source, target=None, beam_size: int = 3, max_len: int = 30) -> dict:
    """Greedy and beam outputs for one source with their log-probabilities (for the widget of notebook 13).

    ``target`` (optional): the right output, to mark whether each decoder got it.
    """
    greedy = greedy_decode(model, [source], max_len=max_len)[0]
    beam, beam_logp = beam_decode(model, source, beam_size=beam_size, max_len=max_len)
    return {"greedy": greedy, "greedy_logp": sequence_log_prob(model, source, greedy),
            "beam": beam, "beam_logp": beam_logp,
            "greedy_right": None if target is None else greedy == list(target),
            "beam_right": None if target is None else beam == list(target)}
