from hypothesis import given, strategies as st

from annotation.offsets import OffsetMap, utf16_len

texts = st.text(alphabet=st.sampled_from(list("ab é\n") + ["😀", "\u0301", "ש", "𝔸"]), max_size=40)


@given(texts)
def test_offsets_round_trip_and_agree_with_utf16_encoding(text):
    m = OffsetMap(text)
    for cp in range(len(text) + 1):
        u16 = m.to_utf16(cp)
        assert u16 == utf16_len(text[:cp])
        assert m.to_codepoint(u16) == cp


def test_inside_a_surrogate_pair_rounds_down():
    m = OffsetMap("a😀b")
    assert [m.to_codepoint(u) for u in range(5)] == [0, 1, 1, 2, 3]
