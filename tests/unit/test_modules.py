"""What an exercise module declares (EXERCISE), read without running it, and where its section goes."""

import pytest

from coursekit.contents import LISTED, Section, with_declared
from coursekit.core import InputError
from coursekit.modules import declared, schema_of, with_defaults

DECLARATION = ('EXERCISE = {"chapter": "❷ Warmup", "title": "Game of Life", "after": "automata", '
               '"artefact": "warmup/life", "parameters": {"steps": {"type": "integer", "default": 3}}, '
               '"estimate": {"rate": "cell drawn", "units": ["steps"]}}\n')


def test_a_declaration_is_read_without_running_the_module(tmp_path):
    (tmp_path / "life.py").write_text("raise SystemExit('never run')\n" + DECLARATION)
    (tmp_path / "plain.py").write_text("X = 1\n")
    (found,) = declared(tmp_path)
    assert (found.module, found.title, found.after, found.artefact) == ("life", "Game of Life", "automata",
                                                                         "warmup/life")
    assert schema_of(found)["properties"] == {"steps": {"type": "integer", "default": 3}}
    assert schema_of(found)["additionalProperties"] is False


@pytest.mark.parametrize("text,message", [
    ("EXERCISE = dict(chapter='x')\n", r"life.py, line 1: EXERCISE must be written as a literal dict"),
    ("\n\nEXERCISE = {'chapter': 'x'}\n", r"life.py, line 3: EXERCISE must have exactly the keys after, artefact"),
    (DECLARATION.replace("warmup/life", "warmup/game"),
     r"life.py, line 1: EXERCISE's artefact is 'warmup/game'; it must be '<chapter folder>/life'"),
])
def test_a_bad_declaration_names_the_file_and_line(tmp_path, text, message):
    (tmp_path / "life.py").write_text(text)
    with pytest.raises(InputError, match=message):
        declared(tmp_path)


def test_defaults_fill_only_what_the_config_lacks(tmp_path):
    (tmp_path / "life.py").write_text(DECLARATION)
    assert with_defaults({}, tmp_path) == {"life": {"steps": 3}}
    assert with_defaults({"life": {"steps": 9}}, tmp_path) == {"life": {"steps": 9}}


def test_a_declared_section_goes_after_its_module_or_at_the_end_of_its_chapter(tmp_path):
    (tmp_path / "life.py").write_text(DECLARATION)
    (tmp_path / "lost.py").write_text(DECLARATION.replace('"automata"', '"nowhere"').replace("life", "lost"))
    sections = with_declared(LISTED, declared(tmp_path))
    titles = [s.title for s in sections]
    assert titles[titles.index("Rule 30") + 1] == "Game of Life"
    warmup = [i for i, s in enumerate(sections) if s.chapter == "❷ Warmup"]
    assert sections[max(warmup)].modules == ("lost",)  # after the warmup's last section
    assert sections[titles.index("Game of Life")] == Section("❷ Warmup", "Game of Life", ("life",),
                                                            ("warmup/life.png",))
    assert len(sections) == len(LISTED) + 2
