"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

from hypothesis import strategies as st

#: Any text at all, surrogates and control characters included: what a hostile form field can hold.
hostile_text = st.text(st.characters(codec=None), max_size=80) | st.text(max_size=300)

local_parts = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789._-"), min_size=1, max_size=63).filter(
    lambda s: not s.startswith(".") and not s.endswith(".") and ".." not in s
)

emails = st.builds(
    lambda local, domain: f"{local}@{domain}", local_parts, st.sampled_from(["l.com", "ac-rennes.fr", "exemple.fr"])
)

names = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzéèêàçœÉÈABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1, max_size=20
)

valid_passwords = st.builds(
    lambda core, upper, special, digits: f"{upper}{core}{special}{digits}",
    st.text(st.sampled_from("qxzkwvjhgtrp"), min_size=5, max_size=10),
    st.sampled_from("QXZKWVJ"),
    st.sampled_from("!*./#%"),
    st.text(st.sampled_from("0123456789"), min_size=1, max_size=4),
)
