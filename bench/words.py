"""Rare words of the benchmark's practices (no Django here: bench/run.py reads them too)."""

# Besides the common words, each practice names a few of these rare ones (place names, programme
# names, acronyms in life): a search for one of them is selective, about 20 practices in 100,000.
# Databases are named after this: a change to the seed makes new ones.
SEED_VERSION = 3
RARE_WORDS = 20_000
RARE_PER_PRACTICE = 4
SYLLABLES = [consonant + vowel for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]


def rare_word(index):
    """The index-th rare word, the same on every run: "bakefo", "dazumi", ..."""
    syllables = []
    for _ in range(3):
        index, rest = divmod(index, len(SYLLABLES))
        syllables.append(SYLLABLES[rest])
    return "".join(syllables)
