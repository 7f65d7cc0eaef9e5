"""The content folder read and validated once, at the edge, into frozen dataclasses.

`factsheet.py` (front matter) and `markdown.py` (the sections) read a factsheet,
`settings.py` reads podcast.yaml, `lexicon.py` reads lexicon.yaml, and
`project.py` reads them all together. Everything after this package trusts its types.
"""

from .common import DOI_RE, LANGUAGE_RE, SLUG_RE, URL_IN_TEXT_RE, url_problem
from .factsheet import Factsheet, FactsheetMeta, Link, find_factsheets, load_factsheet, parse_meta
from .lexicon import Lexicon, Term, load_lexicon
from .markdown import Block, BulletList, Heading, ListItem, Paragraph, Section, slugify
from .project import Project, load_project
from .settings import (
    AudioSettings,
    CheckSettings,
    HoldSettings,
    Podcast,
    VoiceSettings,
    load_podcast,
)

__all__ = [
    "DOI_RE",
    "LANGUAGE_RE",
    "SLUG_RE",
    "URL_IN_TEXT_RE",
    "AudioSettings",
    "Block",
    "BulletList",
    "CheckSettings",
    "Factsheet",
    "FactsheetMeta",
    "Heading",
    "HoldSettings",
    "Lexicon",
    "Link",
    "ListItem",
    "Paragraph",
    "Podcast",
    "Project",
    "Section",
    "Term",
    "VoiceSettings",
    "find_factsheets",
    "load_factsheet",
    "load_lexicon",
    "load_podcast",
    "load_project",
    "parse_meta",
    "slugify",
    "url_problem",
]
