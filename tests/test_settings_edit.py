"""The show's settings written from the studio's form: only what changed, where it
stands, with the file's comments and every other setting kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PODCAST
from imnm_audio.content.settings import load_podcast
from imnm_audio.content.settings_edit import set_show_fields, show_problems, show_values
from imnm_audio.errors import ContentError

SETTINGS = PODCAST.replace("owner:\n", "owner:\n  # directories write here\n").replace(
    "categories:\n  - Health & Fitness > Medicine\n",
    "categories:\n- Health & Fitness > Medicine\n# where the audio goes\n",
)


def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "podcast.yaml"
    path.write_text(SETTINGS, encoding="utf-8")
    return path


def test_nothing_changed_writes_the_file_as_it_was(tmp_path: Path) -> None:
    path = settings_file(tmp_path)
    set_show_fields(path, show_values(load_podcast(path)))
    assert path.read_text("utf-8") == SETTINGS


def test_each_change_is_written_where_it_stands(tmp_path: Path) -> None:
    path = settings_file(tmp_path)
    values = show_values(load_podcast(path))
    long = "A show: for people with a rare condition # and their families. " * 3
    values.update(
        {
            "description": long,
            "owner.email": "audio@charity.org.uk",
            "categories": "Health & Fitness>Medicine\nEducation",
            "copyright": "© 2026 Test Charity",
        }
    )
    podcast = set_show_fields(path, values)
    text = path.read_text("utf-8")
    assert podcast.description == " ".join(long.split())
    assert podcast.owner_email == "audio@charity.org.uk"
    assert podcast.categories == (("Health & Fitness", "Medicine"), ("Education",))
    assert podcast.copyright == "© 2026 Test Charity"
    assert "  # directories write here\n" in text and "# where the audio goes\n" in text
    assert text.count("categories:") == 1 and "- Health & Fitness > Medicine\n#" not in text
    assert text.index("copyright:") > text.index("link:")  # after the show's last key
    assert '  - "Health & Fitness > Medicine"\n  - "Education"\n# where' in text
    assert text.startswith("title: Test Show\ndescription: >-\n  A show: for people")


def test_every_problem_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    path = settings_file(tmp_path)
    values = show_values(load_podcast(path))
    values.update({"title": " ", "owner.email": "x", "language": "English", "link": "example"})
    assert set(show_problems(values)) == {"title", "owner.email", "language", "link"}
    with pytest.raises(ContentError, match="Show title: Write something here"):
        set_show_fields(path, values)
    assert path.read_text("utf-8") == SETTINGS
