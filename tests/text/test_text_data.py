"""The tokenizer, the text sources and the offline default corpus."""

import json
import re

import numpy as np
import pytest

from tfp_pixel.text import corpus
from tfp_pixel.text import errors
from tfp_pixel.text import offline_corpus
from tfp_pixel.text import sources
from tfp_pixel.text import tokenizer as tokenizer_lib

Tokenizer = tokenizer_lib.Tokenizer
TextDataError = errors.TextDataError


# ---- tokenizer -----------------------------------------------------------------


def test_words_are_lowercased_and_punctuation_is_split_off():
  assert tokenizer_lib.split_text('Boil the Pasta, then (gently) stir!') == [
      'boil', 'the', 'pasta', ',', 'then', '(', 'gently', ')', 'stir', '!']


def test_characters_keep_case_and_collapse_whitespace():
  assert tokenizer_lib.split_text('Ab \n c', level='char') == [
      'A', 'b', ' ', 'c']


def test_fit_keeps_the_most_frequent_tokens_after_the_special_ones():
  tokenizer = Tokenizer.fit(['b a b c', 'c b d'], vocabulary_size=5)
  # b: 3, c: 2, a and d: 1 (alphabetical tie break).
  assert tokenizer.vocabulary == ['', '[UNK]', '[END]', 'b', 'c']
  assert (tokenizer.padding_token, tokenizer.unknown_token,
          tokenizer.end_token) == (0, 1, 2)
  assert Tokenizer.fit(['b a b c', 'c b d'], 7).vocabulary[3:] == [
      'b', 'c', 'a', 'd']


def test_unknown_words_get_the_unknown_token():
  tokenizer = Tokenizer.fit(['b a b c', 'c b d'], vocabulary_size=5)
  assert tokenizer.encode('B zebra c.') == [3, 1, 4, 1]


def test_encode_batch_ends_texts_then_pads_and_truncates_long_ones():
  tokenizer = Tokenizer.fit(['a b c d'], vocabulary_size=7)
  a, b, c = (tokenizer.encode(word)[0] for word in 'abc')
  np.testing.assert_array_equal(
      tokenizer.encode_batch(['a b', 'a b c', 'a b c d'], max_length=3),
      [[a, b, 2], [a, b, c], [a, b, c]])
  assert tokenizer.encode_batch(['a'], 3).dtype == np.int32


def test_decode_stops_at_the_end_and_tidies_punctuation():
  tokenizer = Tokenizer.fit(["boil ( the ) pasta , it ' s done ."], 20)
  ids = tokenizer.encode("Boil (the) pasta, it's done.") + [2, 0, 5]
  assert tokenizer.decode(ids) == "boil (the) pasta, it's done."
  assert tokenizer.decode([0, tokenizer.encode('pasta')[0], 0]) == 'pasta'


def test_character_level_round_trip():
  tokenizer = Tokenizer.fit(['Hello, world'], 20, level='char')
  assert tokenizer.decode(tokenizer.encode('Hello,  world')) == 'Hello, world'


def test_save_and_load_round_trip(tmp_path):
  tokenizer = Tokenizer.fit(['Café au lait', 'thé'], 10, level='char')
  tokenizer.save(tmp_path / 'tokenizer.json')
  assert Tokenizer.load(tmp_path / 'tokenizer.json') == tokenizer


@pytest.mark.parametrize('content', ['{"vocabulary": ["a"]}', 'not json',
                                     '{"format": "tfp_pixel.text.Tokenizer",'
                                     ' "level": "word", "vocabulary": ["a"]}'])
def test_a_bad_tokenizer_file_is_a_one_line_error(tmp_path, content):
  path = tmp_path / 'tokenizer.json'
  path.write_text(content)
  with pytest.raises(TextDataError, match='cannot read tokenizer') as error:
    Tokenizer.load(path)
  assert '\n' not in str(error.value)


@pytest.mark.parametrize('prompt, message', [
    ('', 'empty'), ('  ', 'empty'), ('zebra quokka', 'no word of the prompt'),
])
def test_a_prompt_without_known_words_is_an_error(prompt, message):
  tokenizer = Tokenizer.fit(['recipe for pasta'], 10)
  with pytest.raises(TextDataError, match=message):
    tokenizer.encode_prompt(prompt)
  assert tokenizer.encode_prompt('Recipe for zebra') == (
      tokenizer.encode('recipe for') + [1])


def test_too_small_a_vocabulary_or_no_text_is_an_error():
  with pytest.raises(TextDataError, match='at least 4'):
    Tokenizer.fit(['a b'], vocabulary_size=3)
  with pytest.raises(TextDataError, match='no token'):
    Tokenizer.fit(['', '  '], vocabulary_size=10)


# ---- sources -------------------------------------------------------------------


def test_text_file_by_lines_paragraphs_or_whole(tmp_path):
  path = tmp_path / 'book.txt'
  path.write_text('First line\nsecond  line\n\n\nThird\n')
  assert sources.read_documents(path) == ['First line', 'second line',
                                          'Third']
  assert sources.read_documents(path, split='paragraphs') == [
      'First line second line', 'Third']
  assert sources.read_documents(path, split='files') == [
      'First line second line Third']


def test_folder_of_text_files_in_name_order(tmp_path):
  (tmp_path / 'b.txt').write_text('two\nthree')
  (tmp_path / 'a.txt').write_text('one')
  (tmp_path / 'notes.md').write_text('skipped')
  assert sources.read_documents(tmp_path) == ['one', 'two', 'three']
  assert sources.read_documents(tmp_path, split='files') == [
      'one', 'two three']


def test_json_lines_text_field(tmp_path):
  path = tmp_path / 'texts.jsonl'
  path.write_text('{"text": "a  b"}\n\n{"body": "c", "text": "d"}\n')
  assert sources.read_documents(path) == ['a b', 'd']
  with pytest.raises(TextDataError, match="line 1 has no text field 'body'"):
    sources.read_documents(path, text_field='body')
  path.write_text('{"text": "a"}\n{oops\n')
  with pytest.raises(TextDataError, match='line 2 is not JSON'):
    sources.read_documents(path)


def test_epicurious_recipes_as_the_book_reads_them(tmp_path):
  recipes = [
      {'title': 'Pasta ', 'directions': ['Boil water.', 'Add pasta.']},
      {'title': None, 'directions': ['Dropped.']},
      {'title': 'No directions'},
      {'directions': ['No title.']},
      {'title': 'Empty', 'directions': []},
      {'title': 'Soup', 'directions': ['Stir.']},
  ]
  path = tmp_path / 'full_format_recipes.json'
  path.write_text(json.dumps(recipes))
  assert sources.read_documents(path) == [
      'Recipe for Pasta | Boil water. Add pasta.', 'Recipe for Soup | Stir.']


@pytest.mark.parametrize('name, content, message', [
    ('empty.txt', b'', 'has no text'),
    ('blank.txt', b'\n  \n', 'has no text'),
    ('image.txt', b'\x89PNG\r\n\x1a\n\0\0', 'binary file'),
    ('latin1.txt', 'café'.encode('latin-1'), 'not UTF-8'),
    ('recipes.json', b'{"title": "x"}', 'not a list of recipes'),
    ('recipes2.json', b'[{"title": "x"}]', 'has no text'),
    ('broken.json', b'[{', 'is not JSON'),
])
def test_bad_sources_are_one_line_errors(tmp_path, name, content, message):
  path = tmp_path / name
  path.write_bytes(content)
  with pytest.raises(TextDataError, match=message) as error:
    sources.read_documents(path)
  assert '\n' not in str(error.value) and str(path) in str(error.value)


def test_missing_sources_are_errors(tmp_path):
  with pytest.raises(TextDataError, match='no such text source'):
    sources.read_documents(tmp_path / 'missing.txt')
  with pytest.raises(TextDataError, match='no .txt file'):
    sources.read_documents(tmp_path)
  with pytest.raises(TextDataError, match='split must be one of'):
    sources.read_text_file(__file__, split='sentences')


# ---- offline corpus ------------------------------------------------------------


@pytest.fixture(scope='module')
def bible():
  return offline_corpus.load_documents()


def test_offline_corpus_is_the_king_james_bible(bible):
  assert len(bible) == 24408
  assert bible[0] == ('In the beginning God created the heavens and the '
                      'earth.')
  assert bible[-1] == 'The grace of our Lord Jesus Christ be with you all. Amen.'
  assert not any(re.search(r'\d+:\d+', document) for document in bible)
  assert sources.read_documents() == bible
  assert offline_corpus.load_documents(max_documents=3) == bible[:3]


def test_the_offline_corpus_makes_a_real_vocabulary(bible):
  tokenizer = Tokenizer.fit(bible[:2000], vocabulary_size=50)
  for word in ('the', 'and', 'of', ',', '.', 'god', 'lord'):
    assert word in tokenizer.vocabulary


# ---- training data -------------------------------------------------------------


def test_text_data_is_split_and_the_tokenizer_sees_training_text_only():
  documents = ['alpha beta'] * 9 + ['omega']
  data = corpus.prepare_text_data(documents, max_length=4,
                                  validation_fraction=.5, seed=0)
  assert data.train.shape == (5, 4) and data.validation.shape == (5, 4)
  assert data.train.dtype == np.int32
  held_out_omega = 'omega' not in [data.tokenizer.decode(r)
                                   for r in data.train]
  assert ('omega' in data.tokenizer.vocabulary) != held_out_omega
  again = corpus.prepare_text_data(documents, 4, validation_fraction=.5,
                                   seed=0, tokenizer=data.tokenizer)
  np.testing.assert_array_equal(again.train, data.train)
  with pytest.raises(TextDataError, match='no document to train on'):
    corpus.prepare_text_data([], 4)


# ---- bounds of a source ----------------------------------------------------------


def test_a_source_larger_than_the_bound_is_one_line(tmp_path, monkeypatch):
  monkeypatch.setattr(sources, 'MAX_SOURCE_BYTES', 1024)
  path = tmp_path / 'long.txt'
  path.write_text('word ' * 205)  # 1025 bytes, one line
  with pytest.raises(TextDataError) as error:
    sources.read_documents(path, split='files')
  assert str(error.value) == (
      '{} is larger than 0.000976562 MiB, the most a text source may '
      'hold'.format(path))
  path.write_text('word ' * 204)
  assert len(sources.read_documents(path)[0]) == 204 * 5 - 1
  for name in ('a.txt', 'b.txt'):
    (tmp_path / name).write_text('word ' * 150)
  (tmp_path / 'long.txt').unlink()
  with pytest.raises(TextDataError, match='its .txt files together'):
    sources.read_documents(tmp_path)


def test_an_endless_file_is_read_up_to_the_bound(monkeypatch):
  monkeypatch.setattr(sources, 'MAX_SOURCE_BYTES', 4096)
  with pytest.raises(TextDataError, match='/dev/zero is larger than'):
    sources.read_documents('/dev/zero')


@pytest.mark.parametrize('name, content', [
    ('lines.txt', 'a\nb\n\nc\nd\n'),
    ('lines.jsonl', '{"text": "a"}\n{"text": "b"}\n{"text": "c"}\n'
                    '{"text": "d"}\n'),
])
def test_a_source_of_more_documents_than_the_bound_is_one_line(
    tmp_path, monkeypatch, name, content):
  monkeypatch.setattr(sources, 'MAX_DOCUMENTS', 3)
  (tmp_path / name).write_text(content)
  with pytest.raises(TextDataError, match='has more than 3 documents'):
    sources.read_documents(tmp_path / name)
  monkeypatch.setattr(sources, 'MAX_DOCUMENTS', 4)
  assert len(sources.read_documents(tmp_path / name)) == 4


def test_encode_array_is_encode_without_a_list():
  words = Tokenizer.fit(['the cat, the hat.'], 6)
  text = 'The  cat\u00a0sat; the\nhat!'
  np.testing.assert_array_equal(words.encode_array(text), words.encode(text))
  assert words.encode_array(text).dtype == np.int32
  chars = Tokenizer.fit(['ab c'], 10, level='char')
  np.testing.assert_array_equal(chars.encode_array(' a\tbz \n'),
                                chars.encode(' a\tbz \n'))


def test_more_event_tokens_than_the_bound_is_one_line(monkeypatch):
  monkeypatch.setattr(corpus, 'MAX_EVENT_TOKENS', 100)
  with pytest.raises(TextDataError, match='more than the 100 a text run'):
    corpus.prepare_text_data(['a b'] * 11, max_length=10)
  assert len(corpus.prepare_text_data(['a b'] * 10, max_length=10).train)
