"""Padding, masks, the masked loss and bucketing (notebook 11)."""
import numpy as np
import pytest
import torch

from course_utils import padding, classifiers


def test_pad_sequences_fills_with_the_pad_id_and_keeps_lengths():
    ids, lengths = padding.pad_sequences([[5, 6, 7], [8], [9, 10]], pad_id=0)
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0], [9, 10, 0]]
    assert lengths.tolist() == [3, 1, 2]
    assert ids.dtype == torch.int64


@pytest.mark.parametrize("bad, match", [([], "non-empty list"), ([[1, 2], []], r"seqs\[1\]"),
                                        ("abc", "list of id sequences, got the string 'abc'")])
def test_pad_sequences_rejects_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        padding.pad_sequences(bad)


def test_length_mask_marks_the_real_steps():
    mask = padding.length_mask([3, 1], max_len=4)
    assert mask.tolist() == [[True, True, True, False], [True, False, False, False]]
    assert padding.length_mask(torch.tensor([2, 2])).shape == (2, 2)


@pytest.mark.parametrize("lengths, max_len, match", [([0, 2], None, ">= 1"), ([], None, "non-empty"),
                                                     ([3, 2], 2, "max_len must be >= the longest"),
                                                     ([1.5], None, "integers"), ([2], 0, "max_len")])
def test_length_mask_rejects_bad_input(lengths, max_len, match):
    with pytest.raises(ValueError, match=match):
        padding.length_mask(lengths, max_len)


def test_masked_cross_entropy_ignores_whatever_sits_in_the_pads():
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 5)
    targets = torch.tensor([[1, 2, 3, 0], [4, 0, 0, 0]])
    mask = padding.length_mask([3, 1], 4)
    base = padding.masked_cross_entropy(logits, targets, mask)
    noisy = logits.clone()
    noisy[~mask] = 100 * torch.randn(int((~mask).sum()), 5)
    assert torch.allclose(base, padding.masked_cross_entropy(noisy, targets.masked_fill(~mask, 3), mask))
    # and it is the plain mean over the 4 real tokens
    real = torch.nn.functional.cross_entropy(logits[mask], targets[mask])
    assert torch.allclose(base, real)


def test_masked_cross_entropy_rejects_bad_shapes_and_empty_masks():
    logits = torch.zeros(2, 3, 4)
    with pytest.raises(ValueError, match="targets"):
        padding.masked_cross_entropy(logits, torch.zeros(2, 4, dtype=torch.long), torch.ones(2, 3, dtype=bool))
    with pytest.raises(ValueError, match="no True entry"):
        padding.masked_cross_entropy(logits, torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3, dtype=bool))
    with pytest.raises(ValueError, match=r"\(batch, time, classes\)"):
        padding.masked_cross_entropy(torch.zeros(2, 3), torch.zeros(2, 3, dtype=torch.long),
                                     torch.ones(2, 3, dtype=bool))


def test_masked_mean_averages_real_steps_only():
    outputs = torch.tensor([[[1.0], [3.0], [100.0]], [[4.0], [-50.0], [7.0]]])
    mask = padding.length_mask([2, 1], 3)
    assert padding.masked_mean(outputs, mask).tolist() == [[2.0], [4.0]]
    with pytest.raises(ValueError, match="mask"):
        padding.masked_mean(outputs, mask[:, :2])


def test_padded_batch_gives_the_same_loss_and_gradients_as_one_by_one():
    """The claim of notebook 11: with masks and packing, padding changes nothing."""
    torch.manual_seed(0)
    seqs = [[3, 4, 5, 6, 7, 8], [9, 3], [4, 4, 4, 5], [6]]
    tags = [[1, 2, 0, 1, 0, 2], [0, 1], [2, 2, 0, 1], [1]]
    model = classifiers.LSTMTagger(vocab_size=10, n_tags=3, embed_dim=6, hidden_size=5).double()

    def loss_and_grads(batch_seqs, batch_tags):
        model.zero_grad()
        ids, lengths = padding.pad_sequences(batch_seqs)
        y, _ = padding.pad_sequences(batch_tags)
        mask = padding.length_mask(lengths, ids.shape[1])
        total = padding.masked_cross_entropy(model(ids, lengths), y, mask) * mask.sum()  # sum over real tokens
        total.backward()
        return total.item(), {n: p.grad.clone() for n, p in model.named_parameters()}

    batch_loss, batch_grads = loss_and_grads(seqs, tags)
    single = [loss_and_grads([s], [t]) for s, t in zip(seqs, tags)]
    assert batch_loss == pytest.approx(sum(loss for loss, _ in single), rel=1e-12)
    for name, grad in batch_grads.items():
        assert torch.allclose(grad, sum(g[name] for _, g in single), atol=1e-12), name


def test_classifier_output_does_not_depend_on_padding():
    torch.manual_seed(0)
    for pooling in ("last", "mean", "bi"):
        model = classifiers.SequenceClassifier(12, 6, 5, pooling=pooling).eval()
        alone = model(torch.tensor([[3, 4, 5]]), torch.tensor([3]))
        ids, lengths = padding.pad_sequences([[3, 4, 5], [6, 7, 8, 9, 10, 11]])
        padded = model(ids, lengths)[:1]
        assert torch.allclose(alone, padded, atol=1e-6), pooling


def test_bucketing_wastes_fewer_slots_than_random_batches():
    lengths = np.random.default_rng(0).integers(1, 50, size=1000)
    random_batches = padding.make_batches(lengths, 32, bucket=False, seed=0)
    buckets = padding.make_batches(lengths, 32, bucket=True, seed=0)
    for batches in (random_batches, buckets):  # every example exactly once
        assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    assert padding.wasted_fraction(lengths, buckets) < 0.1 < 0.3 < padding.wasted_fraction(lengths, random_batches)


def test_wasted_fraction_by_hand_and_bad_input():
    assert padding.wasted_fraction([4, 2, 1, 1], [[0, 1], [2, 3]]) == pytest.approx(1 - 8 / 10)
    with pytest.raises(ValueError, match="empty batch"):
        padding.wasted_fraction([1, 2], [[0, 1], []])
    with pytest.raises(ValueError, match="batch_size"):
        padding.make_batches([1, 2], 0)
