"""Text in and out of the sequence models: tokenizer, sources, corpora."""
