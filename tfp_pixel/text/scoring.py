"""Scoring documents under a `SequenceRNN`: NLL, perplexity, bits/character.

A document is scored whole, however long: its tokens and end token are an
event of a copy of the distribution whose `max_length` fits the longest
document of the batch (the copy shares the network; padding after the end
costs nothing), so its NLL is `-log p(document)` under the untruncated model.
"""

import collections
import math

import numpy as np

__all__ = ['DocumentScore', 'mean_score', 'score_documents']

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
    batch_size: Python `int`, documents per forward pass.

  Returns:
    scores: `list` of `DocumentScore`, in the order of `texts`.
  """
  names = names or [str(i + 1) for i in range(len(texts))]
  encoded = [tokenizer.encode(text) + [tokenizer.end_token] for text in texts]
  # Documents of similar lengths together: less padding per batch.
  order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
  nll = np.zeros(len(texts))
  for start in range(0, len(order), batch_size):
    batch = order[start:start + batch_size]
    length = max(len(encoded[i]) for i in batch)
    events = np.full((len(batch), length), tokenizer.padding_token, np.int32)
    for row, i in enumerate(batch):
      events[row, :len(encoded[i])] = encoded[i]
    nll[batch] = -dist.copy(max_length=length).log_prob(events).numpy()
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


def _document_score(name, text, ids, tokenizer, nll):
  return DocumentScore(
      document=name, tokens=len(ids), characters=len(text),
      unknown_tokens=ids.count(tokenizer.unknown_token), nll=float(nll),
      perplexity=math.exp(nll / len(ids)),
      bits_per_character=float(nll) / (max(len(text), 1) * math.log(2)))
