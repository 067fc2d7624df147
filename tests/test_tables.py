"""safelint.tables: the values of delimited tables inside a string, under the columns a rule names."""

from __future__ import annotations

from pathlib import Path

import pytest

from safelint.rules import RuleFileError, load_rule_files
from safelint.tables import normalise_header, table_cells

WANTED = {"age": 0, "gender": 1, "weight": 2}


def _values(text: str) -> list[tuple[int, str]]:
    return [(target, text[s:e]) for target, s, e, _ in table_cells(text, WANTED)]


@pytest.mark.parametrize("text", [
    "file,age,gender\nval/88.jpg,34,F\nval/89.jpg,51,M",
    "file\tage\tgender\nval/88.jpg\t34\tF\nval/89.jpg\t51\tM",
    "file;age;gender\nval/88.jpg;34;F\nval/89.jpg;51;M",
    "file    age   gender\nval/88.jpg  34    F\nval/89.jpg  51    M",
    "| file | age | gender |\n|---|:---:|---|\n| val/88.jpg | 34 | F |\n| val/89.jpg | 51 | M |",
])
def test_every_delimiter_gives_the_same_values(text: str) -> None:
    assert _values(text) == [(0, "34"), (1, "F"), (0, "51"), (1, "M")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_quoted_fields_are_one_cell_and_their_value_is_inside_the_quotes(delimiter: str) -> None:
    rows = [['"file"', '"age"', '"gender"'], ['"Smith, J; ""Jo"""', '"34"', ' "F" '], ['plain', '51', 'M']]
    text = "\n".join(delimiter.join(row) for row in rows)
    assert _values(text) == [(0, "34"), (1, "F"), (0, "51"), (1, "M")]


def test_an_unclosed_quote_runs_to_the_end_of_its_line() -> None:
    assert _values('id,age,gender\n"1,34,F\n2,51,M') == []  # the first row has one cell: the table ends


def test_a_table_after_prose_and_units_in_the_header() -> None:
    text = "Here are the rows you asked for:\nName, Weight (kg), Notes\nP01, 81.5, ok\n\nThat is all."
    assert _values(text) == [(2, "81.5")]


def test_empty_and_withheld_values_are_skipped_and_a_different_row_ends_the_table() -> None:
    text = "id,age,gender\n1,,n/a\n2,unknown,F\nthis line, is prose, with three cells, and one more\n3,40,M"
    assert _values(text) == [(1, "F")]


def test_typeset_dashes_are_empty_values() -> None:
    text = "| Person | Height | Weight |\n|---|---|---|\n| 1 | Tall | — |\n| 2 | Short | – |\n| 3 | Short | 80 kg |"
    assert _values(text) == [(2, "80 kg")]


@pytest.mark.parametrize("text", [
    "Columns: age, gender, weight",  # a header and no row
    "The man, his age, and the gender of the child are unknown.\nA woman, a dog, and a cat sit there.",
    "age,gender",  # one line
    "name,city\nAda,Paris",  # no wanted column
])
def test_no_table_no_values(text: str) -> None:
    assert _values(text) == []


def test_each_value_comes_with_its_table_s_column_names() -> None:
    text = "No.  Player  Wt   Age\n3    D. M    185  24\n\nid,gender\n1,F"
    assert {header for *_, header in table_cells(text, WANTED)} == {frozenset({"no", "player", "wt", "age"}),
                                                                   frozenset({"id", "gender"})}


def test_header_names_are_normalised() -> None:
    assert normalise_header(" **Weight (kg)** ") == "weight"
    assert normalise_header("Eye Colour") == "eye_colour"
    assert normalise_header("age-group") == "age_group"


def test_columns_belong_to_leak_rules(tmp_path: Path) -> None:
    f = tmp_path / "r.yaml"
    f.write_text("attribute: age\nrules:\n  - code: AGE901\n    name: x\n    kind: explicit\n    category: ask\n"
                 "    message: m\n    columns: [age]\n")
    with pytest.raises(RuleFileError, match="columns"):
        load_rule_files([f])
    f.write_text("attribute: age\nrules:\n  - code: AGE901\n    name: x\n    kind: explicit\n    message: m\n"
                 "    columns: [Age (years)]\n")
    assert load_rule_files([f]).rules[0].columns == ("age",)
