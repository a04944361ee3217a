"""The course's data: offline corpora, a tokenizer and vocabulary, generated tasks and cached pre-trained vectors.

Nothing here is downloaded at run time; generated data is the same from the same seed.
"""
