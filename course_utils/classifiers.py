"""Pooled classifiers, a bag-of-embeddings baseline, a BiLSTM tagger and B-I-O entity F1 (notebooks 11 and 12).

The CRF output layer for the tagger is in :mod:`course_utils.crf`; ``train_model`` and ``predict`` serve it too.

Every model takes a padded batch ``ids (batch, time)`` with ``lengths (batch,)``
(see :mod:`course_utils.padding`) and never lets a pad change its output.
Id 0 is the pad (its embedding is frozen at zero, ``padding_idx=0``); words come
from a ``text.Vocab(tokens, pad=True)``, which gives ``<unk>`` its own trainable id 1.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_utils import padding
from course_utils.checks.arguments import (choice, finite_parameters, id_sequences, int_ids, list_of_pairs, model_ids,
                                          positive_ints, vocabulary_size)
from course_utils.training import check_training_arguments, record, update

POOLINGS = ("last", "mean", "bi")
PAD_ID = 0  # what padding.pad_sequences fills with, and Vocab(tokens, pad=True) keeps for "<pad>"


def _check_dropout(dropout, num_layers) -> None:
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
    if dropout > 0 and num_layers < 2:
        raise ValueError("dropout acts between stacked layers: use num_layers >= 2 with dropout > 0")


def run_lstm(lstm: nn.LSTM, x: torch.Tensor, lengths: torch.Tensor):
    """Run ``lstm`` over a padded batch ``x (batch, time, dim)`` with ``pack_padded_sequence``.

    Returns ``outputs (batch, time, hidden * directions)`` (zeros at pads) and
    ``h_n (layers * directions, batch, hidden)``: the state after each row's own
    last real step (for the backward direction: after reading back to step 1).
    """
    packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
    out, (h_n, _c_n) = lstm(packed)
    outputs, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return outputs, h_n


class SequenceClassifier(nn.Module):
    """Embed, LSTM, pool the states into one vector, one linear layer to class scores.

    pooling: ``"last"`` (h_T of each row's last real step), ``"mean"`` (mean of
    h_1..h_T over real steps), ``"bi"`` (bidirectional: forward h_T beside
    backward h_1). ``num_layers`` stacks LSTMs with ``dropout`` between layers.
    ``forward(ids (batch, time), lengths (batch,))`` -> logits ``(batch, n_classes)``.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden_size: int = 32, n_classes: int = 2,
                 pooling: str = "last", num_layers: int = 1, dropout: float = 0.0):
        super().__init__()
        vocab_size, embed_dim, hidden_size, n_classes, num_layers = positive_ints(
            vocab_size=vocab_size, embed_dim=embed_dim, hidden_size=hidden_size,
            n_classes=n_classes, num_layers=num_layers)
        choice("pooling", pooling, POOLINGS)
        _check_dropout(dropout, num_layers)
        self.pooling = pooling
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, dropout=dropout,
                            batch_first=True, bidirectional=pooling == "bi")
        self.fc = nn.Linear(hidden_size * (2 if pooling == "bi" else 1), n_classes)

    def pooled(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The pooled vector ``(batch, hidden or 2*hidden)``."""
        outputs, h_n = run_lstm(self.lstm, self.embed(ids), lengths)
        if self.pooling == "last":
            return h_n[-1]
        if self.pooling == "mean":
            return padding.masked_mean(outputs, padding.length_mask(lengths, ids.shape[1]).to(ids.device))
        return torch.cat([h_n[-2], h_n[-1]], dim=1)  # top layer: forward, backward

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.fc(self.pooled(ids, lengths))


class BagOfEmbeddings(nn.Module):
    """The order-blind baseline: mean of the word embeddings ``C(w)`` of real tokens, then a linear layer.

    ``forward(ids (batch, time), lengths (batch,))`` -> logits ``(batch, n_classes)``.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, n_classes: int = 2):
        super().__init__()
        vocab_size, embed_dim, n_classes = positive_ints(vocab_size=vocab_size, embed_dim=embed_dim,
                                                         n_classes=n_classes)
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)
        self.fc = nn.Linear(embed_dim, n_classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mask = padding.length_mask(lengths, ids.shape[1]).to(ids.device)
        return self.fc(padding.masked_mean(self.embed(ids), mask))


class LSTMTagger(nn.Module):
    """One tag per token: embed, (Bi)LSTM, a linear layer on every ``h_t``.

    ``forward(ids (batch, time), lengths (batch,))`` -> tag scores ``(batch, time, n_tags)``.
    With ``bidirectional=True`` the state at t sees the words before *and* after t.
    """

    def __init__(self, vocab_size: int, n_tags: int, embed_dim: int = 32, hidden_size: int = 32,
                 bidirectional: bool = True, num_layers: int = 1, dropout: float = 0.0):
        super().__init__()
        vocab_size, n_tags, embed_dim, hidden_size, num_layers = positive_ints(
            vocab_size=vocab_size, n_tags=n_tags, embed_dim=embed_dim,
            hidden_size=hidden_size, num_layers=num_layers)
        _check_dropout(dropout, num_layers)
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, dropout=dropout,
                            batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_size * (2 if bidirectional else 1), n_tags)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        outputs, _ = run_lstm(self.lstm, self.embed(ids), lengths)
        return self.fc(outputs)


# ---------------------------------------------------------------- training and evaluation
def encode_examples(examples, vocab, label_ids: dict | None = None):
    """``[(tokens, label or tags)]`` -> ``[(ids array, label int or tag-id array)]``.

    ``vocab`` must keep id 0 for the pad (``Vocab(tokens, pad=True)``), so that
    an unknown word is not read as padding.
    """
    pad_id = getattr(vocab, "pad_id", None)
    if pad_id != PAD_ID:
        raise ValueError(f"vocab must keep id {PAD_ID} for the pad, got pad_id={pad_id!r}: build it with "
                         f"Vocab(tokens, pad=True), which also gives <unk> its own id")
    out = []
    for tokens, y in examples:
        if isinstance(tokens, str):
            raise ValueError(f"examples must be (tokens, label) pairs with tokens a list of words, got the string "
                             f"{tokens[:40]!r}: split it into words first")
        if len(tokens) == 0:
            raise ValueError("examples must not contain an empty token list")
        if label_ids is None:
            out.append((vocab.encode(tokens), int(y)))
        else:
            if len(y) != len(tokens):
                raise ValueError(f"tags must be one per token, got {len(y)} tags for {len(tokens)} tokens")
            out.append((vocab.encode(tokens), np.array([label_ids[t] for t in y], dtype=np.int64)))
    return out


def collate(batch, device=None):
    """``[(ids, y)]`` -> ``ids (batch, time)``, ``lengths (batch,)``, ``y (batch,)`` or ``(batch, time)``."""
    ids, lengths = padding.pad_sequences([b[0] for b in batch])
    if np.ndim(batch[0][1]) == 0:
        y = torch.tensor([b[1] for b in batch])
    else:
        y, _ = padding.pad_sequences([b[1] for b in batch])
    return ids.to(device), lengths, y.to(device)


def batch_loss(model, ids, lengths, y) -> torch.Tensor:
    """Cross-entropy of a classifier ``(batch,)`` or a tagger ``(batch, time)`` batch, pads masked.

    A model with its own ``loss(ids, lengths, y)`` (a CRF tagger, :mod:`course_utils.crf`) gives that instead.
    """
    if hasattr(model, "loss"):
        return model.loss(ids, lengths, y)
    scores = model(ids, lengths)
    if y.dim() == 1:
        return nn.functional.cross_entropy(scores, y)
    return padding.masked_cross_entropy(scores, y, padding.length_mask(lengths, ids.shape[1]).to(ids.device))


def train_model(model, data, epochs: int = 5, batch_size: int = 32, lr: float = 1e-2,
                clip: float | None = 5.0, seed: int = 0, bucket: bool = True, device=None,
                progress: bool = True, on_step=None, desc: str = "training") -> dict:
    """Adam on encoded ``data`` (from :func:`encode_examples`): a classifier or a tagger.

    The reference copy of the loop notebook 11 writes out. ``seed`` orders the
    batches (grouped by length when ``bucket``); dropout, if the model has any,
    draws from torch's global generator, which the caller seeds. ``clip``
    (``None``: off) caps the gradient norm; ``on_step(step, history)`` is called
    after every update. Returns ``{"nats": [mean cross-entropy of every update]}``
    (per example for a classifier, per real token for a tagger; a model with a
    ``loss`` method, such as a CRF tagger, records that); the model is left in eval mode.
    """
    from tqdm.auto import tqdm

    check_training_arguments(model, lr, clip, epochs=epochs, batch_size=batch_size)
    _check_data(model, data)
    device = device or next(model.parameters()).device
    model.to(device).train()
    # a model may ask for its own learning rates per group of parameters (a CRF tagger does)
    opt = torch.optim.Adam(model.parameter_groups(lr) if hasattr(model, "parameter_groups") else model.parameters(),
                           lr=lr)
    lengths = [len(ids) for ids, _ in data]
    history = {"nats": []}
    bar = tqdm(total=epochs * -(-len(data) // batch_size), desc=desc, disable=not progress)
    for epoch in range(epochs):
        for index in padding.make_batches(lengths, batch_size, bucket=bucket, seed=seed + epoch):
            loss = batch_loss(model, *collate([data[i] for i in index], device))
            update(model, opt, loss, clip)
            record(history, "nats", loss.item(), model, on_step, bar)
    bar.close()
    model.eval()
    return history


def _check_data(model, data) -> None:
    """Refuse ``data`` unless it is a list of encoded ``(ids, label or tag ids)`` that ``model`` can read."""
    list_of_pairs("data", data, "(ids, label)", "example", hint="see encode_examples")
    rows = id_sequences([ids for ids, _ in data], "data", "data[{i}][0]", vocabulary_size(model))
    fc = getattr(model, "fc", None)
    n_classes = fc.out_features if isinstance(fc, nn.Linear) else None
    tagged = np.ndim(data[0][1]) == 1
    for i, ((_, y), ids) in enumerate(zip(data, rows)):
        labels = _labels(f"data[{i}][1]", y, tagged)
        if tagged and len(labels) != len(ids):
            raise ValueError(f"data[{i}][1] must hold one tag id per word, got {len(labels)} tags for {len(ids)} words")
        if n_classes is not None and labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            bad = labels[(labels < 0) | (labels >= n_classes)][0]
            raise ValueError(f"data[{i}][1] must be class ids in [0, {n_classes}) (the model's outputs), got {bad}")


def _labels(name: str, y, tagged: bool) -> np.ndarray:
    """The label ``y`` (an int) or tag ids (a sequence) as a 1-D int array, or a ValueError naming it."""
    if tagged:
        return int_ids(y, name, encode="encode_examples(examples, vocab, tag_ids) turns tags into ids")
    if isinstance(y, (bool, np.bool_)) or np.ndim(y) != 0 or not np.issubdtype(np.asarray(y).dtype, np.integer):
        raise ValueError(f"{name} must be a class id (an int, e.g. 1 = positive), got {y!r:.60}: give each "
                         f"example an int label, then encode it with classifiers.encode_examples")
    return np.asarray([y])


@torch.no_grad()
def predict(model, data, batch_size: int = 256, device=None) -> list:
    """Predicted class per example, or predicted tag-id array per example (real tokens only).

    A tagger with a ``decode(ids, lengths)`` method (a CRF tagger) gives its best whole sequences (Viterbi).
    """
    finite_parameters("model", model)
    device = device or next(model.parameters()).device
    model.eval()
    preds = []
    for start in range(0, len(data), batch_size):
        ids, lengths, _ = collate(data[start : start + batch_size], device)
        if hasattr(model, "decode"):
            preds += model.decode(ids, lengths)
            continue
        scores = model(ids, lengths)
        if scores.dim() == 2:
            preds += scores.argmax(-1).tolist()
        else:
            best = scores.argmax(-1).cpu().numpy()
            preds += [best[i, :n] for i, n in enumerate(lengths.tolist())]
    return preds


def accuracy(model, data) -> float:
    """Share of examples (classifier) or of real tokens (tagger) predicted right."""
    if len(data) == 0:
        raise ValueError("data must hold at least one encoded example, got none")
    preds = predict(model, data)
    if np.ndim(data[0][1]) == 0:
        return float(np.mean([p == y for p, (_, y) in zip(preds, data)]))
    right = sum(int((p == y).sum()) for p, (_, y) in zip(preds, data))
    return right / sum(len(y) for _, y in data)


@torch.no_grad()
def prefix_probabilities(model, ids) -> np.ndarray:
    """P(class) after each prefix ``w_1..w_t`` of one sentence: shape ``(time, n_classes)``.

    Runs the classifier on every prefix, so it works for every pooling
    (a bidirectional model must re-read the prefix from its end).
    """
    ids = model_ids(model, ids)
    if ids.size == 0:
        raise ValueError("ids must hold at least one word id, got none")
    device = next(model.parameters()).device
    model.eval()
    batch, lengths = padding.pad_sequences([ids[: t + 1] for t in range(len(ids))])
    with torch.no_grad():
        return torch.softmax(model(batch.to(device), lengths), dim=-1).cpu().numpy()


# ---------------------------------------------------------------- B-I-O entities
def bio_spans(tags) -> set:
    """Entities in a B-I-O tag list as ``{(type, start, end)}`` with ``end`` exclusive.

    ``B-X`` starts an entity of type X; following ``I-X`` extend it. An ``I-X``
    that does not continue an X entity starts a new one (the usual lenient reading).
    """
    spans, current = set(), None
    for t, tag in enumerate(list(tags) + ["O"]):
        if not isinstance(tag, str) or not (tag == "O" or tag[:2] in ("B-", "I-") and len(tag) > 2):
            raise ValueError(f"tags must be 'O', 'B-<type>' or 'I-<type>', got {tag!r} at position {t}")
        if current and (tag == "O" or tag.startswith("B-") or tag[2:] != current[0]):
            spans.add((current[0], current[1], t))
            current = None
        if tag != "O" and current is None:
            current = (tag[2:], t)
    return spans


def entity_f1(true_tags, pred_tags) -> dict:
    """Entity-level precision, recall and F1 over sentences: an entity counts only if type and span match.

    true_tags, pred_tags: lists of tag lists, sentence by sentence, same lengths.
    """
    if len(true_tags) != len(pred_tags):
        raise ValueError(f"true_tags and pred_tags must hold the same number of sentences, "
                         f"got {len(true_tags)} and {len(pred_tags)}")
    tp = n_true = n_pred = 0
    for i, (gold, pred) in enumerate(zip(true_tags, pred_tags)):
        if len(gold) != len(pred):
            raise ValueError(f"sentence {i}: {len(gold)} true tags but {len(pred)} predicted")
        g, p = bio_spans(gold), bio_spans(pred)
        tp, n_true, n_pred = tp + len(g & p), n_true + len(g), n_pred + len(p)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_entities": n_true,
            "predicted_entities": n_pred, "correct": tp}
