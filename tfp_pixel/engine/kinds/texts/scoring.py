"""Scoring documents under a `SequenceRNN`: NLL, perplexity, bits/character.

A document is scored whole, however long: its tokens and end token are an
event of a copy of the distribution whose `max_length` fits the longest
document of the batch (the copy shares the network; padding after the end
costs nothing), so its NLL is `-log p(document)` under the untruncated model.
The copy's `log_prob_in_chunks` runs over the documents a chunk of tokens at a
time, carrying the recurrent state, so that memory does not grow with a
document's length: a pass holds at most `MAX_LOGITS` logits and a batch at
most `MAX_BATCH_TOKENS` tokens (a longer document is a batch of its own).
"""

import collections
import math

import numpy as np

__all__ = ['MAX_BATCH_TOKENS', 'MAX_LOGITS', 'DocumentScore', 'mean_score',
           'score_documents']

MAX_LOGITS = 2**23
MAX_BATCH_TOKENS = 2**22

DocumentScore = collections.namedtuple(
    'DocumentScore',
    ['document', 'tokens', 'characters', 'unknown_tokens', 'nll',
     'perplexity', 'bits_per_character'])
DocumentScore.__doc__ = """The score of one document.

Fields:
  document: `str`, its name (`FILE:LINE`, `FILE[i]`, or `mean`).
  tokens: Python `int`, tokens scored, its end token included.
  characters: Python `int`, characters of the document's text.
  unknown_tokens: Python `int`, tokens outside the vocabulary.
  nll: negative log-likelihood of the document and its end, in nats.
  perplexity: `exp(nll / tokens)`, per-token perplexity.
  bits_per_character: `nll / (characters * ln 2)`.
"""


def score_documents(dist, tokenizer, texts, names=None, batch_size=64):
  """Scores every text under `dist` (tokenized by `tokenizer`).

  Args:
    dist: a `SequenceRNN` with `allow_unknown=True` (else a document with an
      unknown word has an infinite NLL) and no prompt.
    tokenizer: the `tfp_pixel.text.Tokenizer` of the model.
    texts: sequence of non-empty `str` documents.
    names: optional names of the documents; `1`, `2`, ... by default.
    batch_size: Python `int`, most documents per forward pass (fewer when
      they are long: see the module docstring).

  Returns:
    scores: `list` of `DocumentScore`, in the order of `texts`.
  """
  names = names or [str(i + 1) for i in range(len(texts))]
  encoded = [np.append(tokenizer.encode_array(text),
                       np.int32(tokenizer.end_token)) for text in texts]
  lengths = [len(ids) for ids in encoded]
  # Documents of similar lengths together: less padding per batch.
  order = sorted(range(len(texts)), key=lambda i: lengths[i])
  max_rows = min(batch_size, max(1, MAX_LOGITS // dist.vocabulary_size))
  nll = np.zeros(len(texts))
  for batch in _batches(order, lengths, max_rows):
    length = lengths[batch[-1]]
    events = np.full((len(batch), length), tokenizer.padding_token, np.int32)
    for row, i in enumerate(batch):
      events[row, :lengths[i]] = encoded[i]
    chunk_length = max(1, MAX_LOGITS // (len(batch) * dist.vocabulary_size))
    nll[batch] = -dist.copy(max_length=length).log_prob_in_chunks(
        events, chunk_length).numpy()
  return [_document_score(name, text, ids, tokenizer, value)
          for name, text, ids, value in zip(names, texts, encoded, nll)]


def mean_score(scores):
  """The `DocumentScore` of all documents together, named `mean`: the NLL per
  document, perplexity and bits/character over all their tokens and
  characters."""
  tokens = sum(s.tokens for s in scores)
  characters = sum(s.characters for s in scores)
  nll = sum(s.nll for s in scores)
  return DocumentScore(
      'mean', tokens / len(scores), characters / len(scores),
      sum(s.unknown_tokens for s in scores) / len(scores), nll / len(scores),
      math.exp(nll / tokens), nll / (characters * math.log(2)))


def _batches(order, lengths, max_rows):
  """Consecutive documents of `order` (by length), at most `max_rows` a
  batch and at most `MAX_BATCH_TOKENS` tokens padded to the longest."""
  batch = []
  for i in order:
    if batch and (len(batch) == max_rows or
                  (len(batch) + 1) * lengths[i] > MAX_BATCH_TOKENS):
      yield batch
      batch = []
    batch.append(i)
  if batch:
    yield batch


def _document_score(name, text, ids, tokenizer, nll):
  return DocumentScore(
      document=name, tokens=len(ids), characters=len(text),
      unknown_tokens=int(np.sum(ids == tokenizer.unknown_token)),
      nll=float(nll),
      perplexity=math.exp(nll / len(ids)),
      bits_per_character=float(nll) / (max(len(text), 1) * math.log(2)))
