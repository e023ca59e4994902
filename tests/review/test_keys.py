"""What a terminal sends is read as the replay's keys, however many arrive at once."""

from mockloop.review.keys import split_keys


def test_arrows_arriving_together_with_other_keys_are_each_one_key():
    assert split_keys("\x1b[C\x1b[D p") == ["right", "left", " ", "p"]


def test_arrows_in_application_cursor_mode_are_arrows_too():
    assert split_keys("\x1bOC\x1bOD") == ["right", "left"]


def test_a_lone_escape_quits_and_letters_are_read_case_blind():
    assert split_keys("F\x1b") == ["f", "q"]


def test_other_escape_sequences_are_ignored_rather_than_quitting():
    assert split_keys("\x1b[A\x1b[15~\x1b[1;5Cf") == ["f"]
