"""safelint.tables: the values of delimited tables inside a string, under the columns a rule names."""

from __future__ import annotations

from pathlib import Path

import pytest

from safelint.rules import RuleFileError, load_rule_files
from safelint.tables import column_at, empty, field_value, normalise_header, table_cells, thing_tables, withheld

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


def _empty(text: str, cell: str) -> bool:
    start = text.index(cell)
    column = column_at(text, start, start + len(cell))
    return column is not None and empty(column[1])


def test_a_header_cell_s_table_and_column() -> None:
    text = "Rows:\n| Person | Age | Build |\n|---|---|---|\n| 1 | — | slim |\n| 2 | 30s | |\nThat is all."
    start = text.index("Build")
    assert column_at(text, start, start + 5) == (["person", "age", "build"], ["slim", ""])


def test_a_column_no_row_fills_in_is_empty() -> None:
    text = "| Person | Age | Build |\n|---|---|---|\n| 1 | — | not visible |\n| 2 | 30s | – |\n\nBuild: slim"
    assert _empty(text, "Build")
    assert not _empty(text, "Age")
    assert not _empty(text, "Person")


@pytest.mark.parametrize("text, cell", [
    ("Build: slim, with broad shoulders.\nAge: 30s", "Build"),  # no table
    ("| Person | Build |\n|---|---|\n| 1 | — |", "Person"),  # a cell the rows fill in
    ("The build | was slow\nx", "build"),  # no header: a cell of more than a few words
    ("| Person | Build |", "Build"),  # the last line
])
def test_what_is_not_an_empty_column(text: str, cell: str) -> None:
    assert not _empty(text, cell)


def test_a_row_of_a_pipe_table_is_no_header() -> None:
    text = "| Person | Notes |\n|---|---|\n| 1 | hat |\n| Skin tone | Build |\n| Sun-kissed | Toned |"
    assert [text[s:e] for _, s, e, _ in table_cells(text, {"skin_tone": 0, "build": 1})] == []


@pytest.mark.parametrize("head", ["| Field | Observation |", "| Feature | Description |", "|  | Person 1 |"])
def test_a_pipe_table_of_fields_gives_the_values_of_its_named_rows(head: str) -> None:
    text = f"{head}\n|---|---|\n| Skin tone | Sun-kissed |\n| Build | — |\n| Hair | Long |\n\nThe end."
    values = [(target, text[s:e], names) for target, s, e, names in table_cells(text, {"skin_tone": 0, "build": 1})]
    assert values == [(0, "Sun-kissed", frozenset({"skin_tone", "build", "hair"}))]


def test_a_table_of_variables_is_no_table_of_fields() -> None:
    text = "| Variable | Type | Allowed values |\n|---|---|---|\n| age | int | 18-99 |\n| gender | enum | f / m |"
    assert list(table_cells(text, {"age": 0, "gender": 1})) == []


def test_a_withheld_value_is_empty() -> None:
    text = "id,eyes,gender\n1,Closed,Not determinable\n2,Behind sunglasses,female\n3,Obscured by a cap brim,—"
    assert [text[s:e] for _, s, e, _ in table_cells(text, {"eyes": 0, "gender": 1})] == ["female"]


@pytest.mark.parametrize("value", ["—", "N/A", " Not visible — facing away", "Cannot be determined", "unknown",
                                   "Hidden by a puffy down jacket", "I'd rather not speculate",
                                   "Not something I'll infer", "Hard to say under the heavy oilskin", '"null"',
                                   "I'm not going to estimate body size from a photo, especially with him seated.",
                                   "Not relevant here, so I'll skip it.", "Hard to pin down."])
def test_withheld_values(value: str) -> None:
    assert withheld(value)


@pytest.mark.parametrize("value", ["Early 20s", "Hard to say, probably late 30s", "Unknown (approx. 30)",
                                   "Not visible, but she looks young", "Female", "Covertly smiling",
                                   ""])  # an empty value: it may follow on the next line
def test_values_that_are_not_withheld(value: str) -> None:
    assert not withheld(value)


def test_a_field_s_value_runs_to_the_end_of_its_line_or_cell() -> None:
    text = "- **Age:** — \n- **Build:** slim\n| Age | N/A | x |"
    assert field_value(text, text.index("Age") + 3).strip() == "—"
    assert field_value(text, text.rindex("Age") + 3).strip() == "N/A"


@pytest.mark.parametrize("value", [" __", " ___ ", " ...", " [ ]", " <value>", " ?", " {age}"])
def test_a_blank_to_fill_in_withholds_the_value(value: str) -> None:
    assert withheld(value)


def test_a_blank_after_a_label_is_the_value_and_bold_underscores_are_not() -> None:
    text = "Gender: __\n__Age:__ 34"
    assert field_value(text, text.index("Gender:") + 7).strip() == "__"
    assert field_value(text, text.index("Age:") + 4).strip() == "34"


def test_a_header_with_no_row_is_empty() -> None:
    assert _empty("| Person | Build |\n|---|---|\n\nNo one is visible.", "Build")


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


def test_tables_of_things_are_found_whole() -> None:
    text = ("Dogs:\n| Dog | Age | Build |\n|---|---|---|\n| 1 | Senior | Stocky |\n| 2 | Young | Lean |\n\n"
            "| Person | Age |\n|---|---|\n| 1 | 40s |")
    spans = thing_tables(text, {"dog", "statue"})
    table = "| Dog | Age | Build |\n|---|---|---|\n| 1 | Senior | Stocky |\n| 2 | Young | Lean |"
    assert [text[s:e] for s, e in spans] == [table]
    assert thing_tables(text, {"cat"}) == [] and thing_tables("| Dog | Age |", {"dog"}) == []
