"""The Segmenter in pipelines: offsets (tokenize), search mode, words added and removed at run time.

Each is checked against a plain-Python reference or against a Segmenter built from scratch, on
random text with every kind of whitespace, combining marks, characters beyond the BMP and CRLF.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import reference_segment as ref
from minent import MinentError, Segmenter

HAN = "中国人民大学生研究命起源在的"
HARD = [" ", "\t", "\n", "\r\n", "\u3000", "\u00a0", "\u2009", "\u0301", "\u200d", "𠀀", "😀", "👍🏽", "é", "Ab",
        "12", "3.5%", "。", "，", "——", "\ud800"]


def random_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(HARD) if rng.random() < 0.2 else rng.choice(HAN) for _ in range(length))


def random_lexicon(rng: random.Random, n: int = 40) -> dict[str, int]:
    words = {"".join(rng.choices(HAN, k=rng.randint(1, 4))) for _ in range(n)}
    return {w: rng.randint(1, 50) for w in words}


@pytest.mark.parametrize("seed", range(20))
def test_tokenize_offsets_index_the_text(seed):
    rng = random.Random(seed)
    seg = Segmenter(random_lexicon(rng))
    texts = [random_text(rng, rng.choice([0, 1, 5, 60, 400])) for _ in range(6)]
    for text in texts:
        tokens = seg.tokenize(text)
        assert [w for w, _, _ in tokens] == seg.cut(text)
        previous_end = 0
        for word, start, end in tokens:
            assert text[start:end] == word and word
            assert start >= previous_end  # in order, never overlapping
            assert text[previous_end:start].strip() == ""  # only whitespace is left out
            previous_end = end
        assert text[previous_end:].strip() == ""
    assert seg.tokenize_many(texts) == [seg.tokenize(t) for t in texts]
    assert seg.cut_many(texts) == [seg.cut(t) for t in texts]


def reference_search(words: list[str], lexicon: dict) -> list[str]:
    """Each word, then the lexicon words of two or more characters inside it, by start then end."""
    out = []
    for w in words:
        out.append(w)
        out.extend(w[i:j] for i in range(len(w)) for j in range(i + 2, len(w) + 1)
                   if j - i < len(w) and w[i:j] in lexicon)
    return out


@pytest.mark.parametrize("seed", range(20))
def test_cut_for_search_matches_the_reference(seed):
    rng = random.Random(100 + seed)
    lexicon = random_lexicon(rng, 80)
    seg = Segmenter(lexicon)
    for _ in range(5):
        text = random_text(rng, rng.choice([0, 1, 30, 300]))
        words = seg.cut(text)
        assert seg.cut_for_search(text) == reference_search(words, lexicon)
        for word, start, end in seg.tokenize(text, mode="search"):
            assert text[start:end] == word
    texts = [random_text(rng, 50) for _ in range(4)]
    assert seg.tokenize_many(texts, mode="search") == [seg.tokenize(t, mode="search") for t in texts]


def test_cut_for_search_example():
    seg = Segmenter({"研究": 10, "研究生": 5, "生命": 10, "起源": 8, "生命起源": 30, "命": 1})
    assert seg.cut("研究生命起源") == ["研究", "生命起源"]
    assert seg.cut_for_search("研究生命起源") == ["研究", "生命起源", "生命", "起源"]
    with pytest.raises(MinentError, match="mode must be"):
        seg.tokenize("研究", mode="fast")


@pytest.mark.parametrize("seed", range(25))
def test_a_word_added_without_a_count_comes_out_whole(seed):
    rng = random.Random(200 + seed)
    lexicon = random_lexicon(rng, 60)
    seg = Segmenter(lexicon)
    added = ["".join(rng.choices(HAN, k=rng.randint(2, 7))) for _ in range(rng.randint(1, 30))]
    added += [w[:3] for w in added if len(w) > 4]  # words inside other added words
    for word in added:
        seg.add_word(word)
    for word in added:
        assert seg.cut(word) == [word], word
    # the other words keep their counts, and the Segmenter cuts as one built from its final counts
    final = dict(seg._counts)
    assert {w: final[w] for w in lexicon if w not in added} == {w: c for w, c in lexicon.items() if w not in added}
    assert all(final[w] >= lexicon.get(w, 0) for w in added)
    fresh = Segmenter(final)
    for _ in range(5):
        text = random_text(rng, 100)
        assert seg.cut(text) == fresh.cut(text)


def test_a_number_word_added_without_a_count_comes_out_whole():
    seg = Segmenter({"年": 100, "#": 50, "月": 80})
    seg.add_word("#年")
    assert seg.cut("1998年") == ["1998年"]


@pytest.mark.parametrize("seed", range(10))
def test_words_added_with_counts_and_removed_match_a_fresh_build(seed):
    rng = random.Random(300 + seed)
    lexicon = random_lexicon(rng, 60)
    seg = Segmenter(lexicon)
    expected = dict(lexicon)
    for _ in range(40):
        word = "".join(rng.choices(HAN, k=rng.randint(1, 5)))
        if rng.random() < 0.3 and expected:
            gone = rng.choice(sorted(expected))
            seg.del_word(gone)
            del expected[gone]
        else:
            count = rng.randint(0, 80)
            seg.add_word(word, count)
            expected[word] = count
        if rng.random() < 0.2:  # cuts in between: the trie is rebuilt, then changed again
            seg.cut(random_text(rng, 20))
    seg.del_word("不在词典里")  # not there: nothing happens
    fresh = Segmenter(expected)
    for _ in range(10):
        text = random_text(rng, 200)
        assert seg.cut(text) == fresh.cut(text) == ref.cut(text, expected)
    assert seg.n_words == fresh.n_words and seg.total == fresh.total


def test_words_changed_in_a_segmenter_read_from_a_file(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text("研究\t10\n生命\t10\n起源\t8\n研究\t2\n", encoding="utf-8")  # a word twice counts twice
    seg = Segmenter(path)
    assert seg.total == 30
    seg.add_word("研究", 5)  # sets the count
    seg.add_word("命起")
    seg.del_word("起源")
    expected = Segmenter({"研究": 5, "生命": 10, "命起": 0})
    assert seg.total == expected.total == 15
    for text in ("研究生命起源", "命起", "生命起"):
        assert seg.cut(text) == expected.cut(text)
    assert seg.cut("命起") == ["命起"]


@pytest.mark.parametrize("word, message", [
    ("", "empty or white space"), ("  ", "empty or white space"), ("\u3000", "empty or white space"),
    ("iPhone 手机", "holds whitespace"), ("手机\t", "holds whitespace"), (3, "must be a string"),
])
def test_bad_words_are_refused(word, message):
    seg = Segmenter({"手机": 3})
    with pytest.raises(MinentError, match=message):
        seg.add_word(word)
    assert seg.cut("手机") == ["手机"]


@pytest.mark.parametrize("count", [-1, float("nan"), float("inf"), "many"])
def test_bad_counts_are_refused(count):
    with pytest.raises(MinentError, match="count of"):
        Segmenter({"手机": 3}).add_word("手表", count)


def test_removing_every_word_is_an_error_at_the_next_cut():
    seg = Segmenter({"手机": 3})
    seg.del_word("手机")
    with pytest.raises(MinentError, match="no entries left"):
        seg.cut("手机")


def test_raising_a_shorter_added_word_never_leaves_a_longer_one_split():
    for order in ((("甲乙丙",), ("甲乙",)), (("甲乙",), ("甲乙丙",))):
        seg = Segmenter({"甲": 25, "乙": 25, "丙": 1000, "甲乙丙": 0.8})
        for (word,) in order:
            seg.add_word(word)
        assert seg.cut("甲乙丙") == ["甲乙丙"] and seg.cut("甲乙") == ["甲乙"]


def test_added_words_come_out_whole_even_when_the_output_filters_them():
    seg = Segmenter({"中": 30, "国": 30, "的": 50, "确": 2}, stop_words={"的"}, min_length=3)
    seg.add_word("中国")  # shorter than min_length: left out of the output, whole in the cut
    seg.add_word("的确")
    assert seg.cut("中国的确") == []
    plain = Segmenter(seg._counts)
    assert plain.cut("中国的确") == ["中国", "的确"]
    assert seg._counts["的确"] < 50  # its split 的|确 costs what both pieces cost, not 确 alone


def test_a_failed_rebuild_keeps_the_changes_pending():
    seg = Segmenter({"中国": 10, "人": 3})
    seg.del_word("中国")
    seg.del_word("人")
    for _ in range(2):  # not the old trie the second time either
        with pytest.raises(MinentError, match="no entries left"):
            seg.cut("中国人")
        with pytest.raises(MinentError, match="no entries left"):
            seg.n_words
    seg.add_word("中国", 5)
    assert seg.cut("中国人") == ["中国", "人"] and seg.n_words == 1


def test_threads_cutting_after_changes_all_see_the_new_trie():
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(9)
    lexicon = random_lexicon(rng, 200)
    text = random_text(rng, 3000)
    added = ["".join(rng.choices(HAN, k=rng.randint(2, 5))) for _ in range(2000)]
    expected = Segmenter(lexicon)
    for word in added:
        expected.add_word(word)
    want = expected.cut(text)
    for _ in range(3):
        seg = Segmenter(lexicon)
        for word in added:
            seg.add_word(word)
        with ThreadPoolExecutor(4) as pool:
            assert list(pool.map(lambda _: seg.cut(text), range(8))) == [want] * 8


def test_a_pickled_segmenter_carries_its_changes():
    import pickle

    seg = Segmenter({"中国": 10, "人": 3}, stop_words={"人"})
    seg.add_word("国人")
    copy = pickle.loads(pickle.dumps(seg))
    assert copy.cut("中国人国人") == seg.cut("中国人国人") and copy.stop_words == {"人"}
    copy.add_word("中国人", 100)  # and the copy can change again
    assert copy.cut("中国人") == ["中国人"]


def test_search_mode_reads_numbers_as_the_lattice_does():
    seg = Segmenter({"#年": 50, "年代": 30, "#年代": 100, "年": 10, "代": 5})
    assert seg.cut("1998年代") == ["1998年代"]
    assert seg.cut_for_search("在1998年代") == ["在", "1998年代", "1998年", "年代"]
    assert seg.tokenize("在1998年代", mode="search")[2] == ("1998年", 1, 6)


def test_segment_chunks_applies_the_filters():
    seg = Segmenter({"中国": 10, "人民": 10, "的": 20}, stop_words={"的"})
    chunks = ["中国的人民\n", "的中国", "人民\n中国"]  # a line cut across chunks, between two words
    assert "".join(seg.segment_chunks(chunks, "/")) == seg.segment("".join(chunks), "/") == "中国/人民\n中国/人民\n中国"


def test_lazy_batches_empty_texts_and_checks_its_arguments_at_once():
    seg = Segmenter({"中国": 10})
    assert list(seg.cut_many(iter([""] * 5000), lazy=True, batch_chars=100)) == [[]] * 5000
    with pytest.raises(MinentError, match="batch_chars"):
        seg.cut_many(["中国"], lazy=True, batch_chars=0)
    with pytest.raises(MinentError, match="mode must be"):
        seg.tokenize_many(["中国"], "fast", lazy=True)
    with pytest.raises(MinentError, match="not one string"):
        seg.cut_many("中国", lazy=True)


def reference_split_cost(word: str, counts: dict, total: float, unknown: float = 0.5) -> float:
    """Least cost of cutting ``word`` into two or more pieces (lexicon words, or one unknown character)."""
    cost = {w: math.log(total) - math.log(max(c, unknown)) for w, c in counts.items()}
    best = [0.0] + [math.inf] * len(word)
    for u in range(len(word)):
        for e in range(u + 1, len(word) + 1):
            if u == 0 and e == len(word):
                continue
            piece = word[u:e]
            c = cost.get(piece, math.inf)
            if e - u == 1:
                c = min(c, math.log(total) - math.log(unknown))
            best[e] = min(best[e], best[u] + c)
    return best[-1] if len(word) > 1 else math.inf


@pytest.mark.parametrize("seed", range(15))
def test_split_costs_kernel_matches_the_reference(seed):
    from minent.segment.kernels import viterbi
    from minent.segment.segmenter import _codepoints

    rng = random.Random(400 + seed)
    lexicon = random_lexicon(rng, 60)
    lexicon["#"] = 7
    lexicon["#年"] = 3
    seg = Segmenter(lexicon)
    words = ["".join(rng.choices(HAN + "#", k=rng.randint(1, 7))) for _ in range(50)] + list(lexicon)[:10]
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(w) for w in words], out=offsets[1:])
    split, nodes = viterbi.split_costs(_codepoints("".join(words)), offsets, *seg._trie())
    for word, got, node in zip(words, split.tolist(), nodes.tolist()):
        want = reference_split_cost(word, lexicon, seg.total)
        assert got == want or math.isclose(got, want, rel_tol=1e-12), word
        assert (node >= 0 and bool(np.isfinite(seg.node_cost[node]))) == (word in lexicon), word


def test_a_segmenter_keeps_its_own_copy_of_a_mapping():
    """add_word starts from the Segmenter's copy of the counts: later changes to the caller's
    mapping never reach it."""
    counts = {"中": 5, "国": 5, "人": 5}
    seg = Segmenter(counts)
    counts["中国"] = 1000
    seg.add_word("人民", 10)
    assert seg.cut("中国人民") == ["中", "国", "人民"]
    assert counts == {"中": 5, "国": 5, "人": 5, "中国": 1000}  # the caller's mapping is not touched
