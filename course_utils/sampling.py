"""Generating text from a language model: greedy, temperature, top-k, and beam search (notebook 10).

A model here is anything with ``forward(ids (batch, time), state) -> (logits (batch, time, vocab), state)``
(:class:`course_utils.char_lm.CharLM`, :class:`course_utils.rnn.RNNLM`).

- greedy: always the most probable next token;
- temperature T: sample from ``softmax(z / T)`` (T < 1 sharpens, T > 1 flattens);
- top-k: sample from the k most probable tokens only, renormalised;
- beam search: keep the ``beam_width`` most probable prefixes, to find a
  continuation with a high total log-probability (not a random one).
"""
import numpy as np
import torch

from course_utils.checks.arguments import choice, finite_number, model_ids, positive_int

METHODS = ("greedy", "temperature", "top_k")
MAX_TOKENS = 100_000      # generate: one model call per token, ~0.1 ms each for the course's char LM
MAX_BEAM_STEPS = 10 ** 6  # beam_width x n: ~30 s for the course's char LM (~25 microseconds a prefix a step)


def softmax_with_temperature(z, temperature: float = 1.0) -> np.ndarray:
    """``softmax(z / T)`` of a logit vector ``z`` ``(vocab,)``, as a float64 numpy array."""
    T = finite_number("temperature", temperature, above=0)
    z = np.asarray(z.detach().cpu() if torch.is_tensor(z) else z, dtype=np.float64) / T
    z = z - z.max(axis=-1, keepdims=True)   # for numerical safety; softmax is shift-invariant
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def top_k_probs(z, k: int, temperature: float = 1.0) -> np.ndarray:
    """``softmax(z / T)`` restricted to the ``k`` largest logits and renormalised (others get 0)."""
    z = np.asarray(z.detach().cpu() if torch.is_tensor(z) else z, dtype=np.float64)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= z.shape[-1]:
        raise ValueError(f"k must be an int in [1, {z.shape[-1]}], got {k!r}")
    keep = np.argsort(z)[::-1][:k]
    masked = np.full_like(z, -np.inf)
    masked[keep] = z[keep]
    return softmax_with_temperature(masked, temperature)


def next_token_probs(z, method: str = "temperature", temperature: float = 1.0, k: int = 10) -> np.ndarray:
    """The distribution a method samples the next token from (greedy: all mass on the argmax)."""
    if method == "greedy":
        p = np.zeros(np.shape(z)[-1])
        p[int(np.argmax(np.asarray(z.detach().cpu() if torch.is_tensor(z) else z)))] = 1.0
        return p
    if method == "temperature":
        return softmax_with_temperature(z, temperature)
    if method == "top_k":
        return top_k_probs(z, k, temperature)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def _check_prompt(model, prompt_ids, name: str = "prompt_ids") -> torch.Tensor:
    ids = model_ids(model, prompt_ids, name)
    if len(ids) < 1:
        raise ValueError(f"{name} must hold at least one id, got none")
    return torch.from_numpy(np.ascontiguousarray(ids))


@torch.no_grad()
def generate(model, prompt_ids, n: int, method: str = "temperature", temperature: float = 1.0,
             k: int = 10, seed: int = 0) -> list[int]:
    """Feed the prompt, then ``n`` tokens each drawn by ``method`` and fed back in (free running).

    The reference copy of the sampling loop notebook 10 writes out.
    Returns the ``n`` generated ids (not the prompt).
    """
    choice("method", method, METHODS)
    if method != "greedy":
        finite_number("temperature", temperature, above=0)
    if method == "top_k":
        positive_int("k", k)
    ids = _check_prompt(model, prompt_ids)
    n = positive_int("n", n, maximum=MAX_TOKENS, hint="one model call per token")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    rng = np.random.default_rng(seed)
    logits, state = model(ids[None].to(device))
    out = []
    for _ in range(n):
        p = next_token_probs(logits[0, -1], method, temperature, k)
        nxt = int(np.argmax(p)) if method == "greedy" else int(rng.choice(len(p), p=p))
        out.append(nxt)
        logits, state = model(torch.tensor([[nxt]], device=device), state)
    model.train(was_training)
    return out


def _select_state(state, index):
    if isinstance(state, tuple):
        return tuple(s[:, index] for s in state)
    return state[:, index]


@torch.no_grad()
def beam_search(model, prompt_ids, n: int, beam_width: int = 5):
    """The most probable ``n``-token continuation that a beam of ``beam_width`` prefixes finds.

    At every step each kept prefix is extended by every token; the
    ``beam_width`` extensions with the highest total log-probability survive.
    Width 1 is greedy decoding. Returns ``(ids, log_prob)``: the ``n`` ids and
    their total natural-log probability given the prompt.

    There is no end token: every hypothesis has exactly ``n`` tokens, so
    dividing the totals by a power of the length (length normalisation, see
    ``encoder_decoder.beam_decode``) would not change which one wins.
    """
    ids = _check_prompt(model, prompt_ids)
    n = positive_int("n", n, maximum=MAX_TOKENS, hint="one model call per token")
    beam_width = positive_int("beam_width", beam_width, maximum=min(1000, MAX_BEAM_STEPS // n),
                              hint=f"each of the n = {n} steps runs the model on beam_width prefixes: "
                                   f"beam_width x n <= {MAX_BEAM_STEPS:.0e}, about 30 s")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    logits, state = model(ids[None].to(device))
    log_p = torch.log_softmax(logits[:, -1].double(), dim=-1)      # (beams=1, vocab)
    scores = torch.zeros(1, dtype=torch.float64, device=device)
    seqs = torch.zeros(1, 0, dtype=torch.long, device=device)
    for step in range(n):
        V = log_p.shape[1]
        total = (scores[:, None] + log_p).reshape(-1)               # every (beam, token) extension
        best = torch.topk(total, min(beam_width, total.numel())).indices
        beam, token = best // V, best % V
        scores, seqs = total[best], torch.cat([seqs[beam], token[:, None]], dim=1)
        if step == n - 1:
            break
        logits, state = model(token[:, None], _select_state(state, beam))
        log_p = torch.log_softmax(logits[:, -1].double(), dim=-1)
    model.train(was_training)
    return seqs[0].tolist(), float(scores[0])


@torch.no_grad()
def continuation_log_prob(model, prompt_ids, continuation_ids) -> float:
    """Total natural-log probability the model gives ``continuation_ids`` after ``prompt_ids``."""
    prompt = _check_prompt(model, prompt_ids)
    cont = _check_prompt(model, continuation_ids, "continuation_ids")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    full = torch.cat([prompt, cont])[None].to(device)
    logits, _ = model(full[:, :-1])
    log_p = torch.log_softmax(logits[0].double(), dim=-1)
    targets = full[0, 1:]
    picked = log_p[torch.arange(len(targets)), targets][len(prompt) - 1:]
    model.train(was_training)
    return float(picked.sum())


def distinct_ngram_fraction(text: str, n: int = 20) -> float:
    """Share of the length-``n`` character windows of ``text`` that are different: 1.0 = no repeats, low = loops."""
    n = positive_int("n", n)
    grams = [text[i:i + n] for i in range(len(text) - n + 1)]
    if not grams:
        raise ValueError(f"text is shorter than n={n} characters")
    return len(set(grams)) / len(grams)


def next_character(model, vocab, prompt: str, method: str = "temperature", temperature: float = 1.0,
                   k: int = 10, top: int = 12) -> dict:
    """The distribution a method draws the character after ``prompt`` from (the sampling widget's picture).

    Returns ``{"chars": the ``top`` most likely next characters, "probs": their probability under the
    method, "entropy_bits": entropy of the full distribution}``. ``method`` may also be ``"beam"``
    (shown as greedy: beam search keeps the best prefixes, it draws nothing).
    """
    if not isinstance(prompt, str) or not prompt:
        raise ValueError(f"prompt must be a non-empty string, got {prompt!r}")
    choice("method", method, METHODS + ("beam",))
    device = next(model.parameters()).device
    with torch.no_grad():
        logits, _ = model(torch.as_tensor(vocab.encode(prompt))[None].to(device))
    p = next_token_probs(logits[0, -1], "greedy" if method == "beam" else method, temperature, k)
    order = np.argsort(p)[::-1][:top]
    nz = p[p > 0]
    entropy = float(-(nz * np.log2(nz)).sum())
    return {"chars": [vocab.itos[i] for i in order], "probs": p[order], "entropy_bits": entropy if entropy > 0 else 0.0}  # not -0.0


def continuation(model, vocab, prompt: str, method: str = "temperature", temperature: float = 1.0,
                 k: int = 10, n: int = 200, beam_width: int = 5, seed: int = 0) -> str:
    """``n`` characters written after ``prompt`` by ``method`` (``generate``, or ``beam_search``)."""
    ids = vocab.encode(prompt)
    if method == "beam":
        out, _ = beam_search(model, ids, n, beam_width)
    else:
        out = generate(model, ids, n, method=method, temperature=temperature, k=k, seed=seed)
    return vocab.decode(out)


def sampling_experiment(model, vocab, prompt: str, method: str = "temperature", temperature: float = 1.0,
                        k: int = 10, n: int = 200, beam_width: int = 5, seed: int = 0, top: int = 12) -> dict:
    """Everything the sampling widget shows, as numbers (notebook 10): ``next_character``'s dict and
    ``"text"``, the ``n`` characters ``continuation`` writes."""
    result = next_character(model, vocab, prompt, method, temperature, k, top)
    return {**result, "text": continuation(model, vocab, prompt, method, temperature, k, n, beam_width, seed)}
