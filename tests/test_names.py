"""Names as headers, subjects and calendar entries write them: on one line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapsite.names import one_line


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Security review", "Security review"),
        ("  Security   review ", "Security review"),
        ("Security\nreview", "Security review"),
        ("Security\r\n\treview", "Security review"),
        ("Security\u00a0review", "Security review"),  # a no-break space is white space too
        ("Security\u2028review", "Security review"),
        ("Sécurité × revue", "Sécurité × revue"),
        (" ", ""),
        ("", ""),
    ],
)
def test_each_run_of_white_space_is_one_space(text: str, shown: str) -> None:
    assert one_line(text) == shown


# every kind of white space Python knows, doubled and at either end, among other letters
@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(
    st.text(
        st.sampled_from(list("ab é× \t\n\r\x0b\x0c\x1c\x85\u00a0\u2028\u3000\x00")), max_size=12
    )
)
def test_text_already_on_one_line_is_taken_as_it_is(text: str) -> None:
    """The quick check for text on one line already gives what splitting and joining
    would, whatever the white space."""
    assert one_line(text) == " ".join(text.split())
