"""The `imnm-audio` command line: every command, its options and its --help."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import __version__
from .cache import DEFAULT_CACHE_DIR
from .engines import ENGINES
from .store import location_of


def _script_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("slugs", nargs="*", metavar="SLUG", help="factsheets (default: all)")
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"write nothing; exit 1 and name the {what} that are stale or missing",
    )
    parser.add_argument(
        "--force", action="store_true", help=f"regenerate even {what} that were edited by hand"
    )


def _folders(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DIR",
        help="factsheets, podcast.yaml and lexicon.yaml (default: content/)",
    )
    parser.add_argument(
        "--scripts",
        type=Path,
        default=Path("scripts"),
        metavar="DIR",
        help="narration scripts (default: scripts/)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("audio"),
        metavar="DIR",
        help="where audio and transcripts are written (default: audio/)",
    )


def _verbosity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="say more; -vv for debugging, with tracebacks",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print only errors (no progress bars)"
    )


def _cache(
    parser: argparse.ArgumentParser,
    kept: str = "clips",
    without: str = "synthesise everything and store nothing",
) -> None:
    parser.add_argument(
        "--cache",
        type=location_of,
        default=DEFAULT_CACHE_DIR,
        metavar="DIR|URL",
        help=f"the cache of {kept}: a folder (default: {DEFAULT_CACHE_DIR}/) or an fsspec "
        "URL such as s3://bucket/prefix, shared by every worker of a cluster",
    )
    parser.add_argument("--no-cache", action="store_true", help=without)


def _cluster(parser: argparse.ArgumentParser, work: str) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help=f"{work} on this Dask cluster (tcp://host:8786; 'dask scheduler' and "
        "'dask worker', or any deployment); its workers need the same imnm-audio and voices, "
        "and a --cache they can all reach",
    )
    where.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help=f"{work} on N worker processes of a local Dask cluster started for this run",
    )


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imnm-audio",
        description="Turn patient factsheets into accessible audio: narration scripts, "
        "podcast MP3s with chapters, transcripts.",
    )
    parser.add_argument("--version", action="version", version=f"imnm-audio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "import",
        help="make content/<slug>/factsheet.md from a PDF, Word document or saved web page",
        description="Read a factsheet a charity already has (a text PDF, a .docx, or a web "
        "page saved as .html) and write it as content/<slug>/factsheet.md: headings, lists "
        "and bold lead-ins kept, front matter filled from what the document says, and "
        "'TODO (import)' placeholders where it says nothing (`script` refuses them until "
        "they are filled in). Exit 2, with nothing written, for a file that cannot be "
        "imported.",
    )
    p.add_argument("source", type=Path, metavar="SOURCE", help="the .pdf, .docx or .html file")
    p.add_argument(
        "--slug", metavar="SLUG", help="the factsheet's folder name (default: from its title)"
    )
    p.add_argument("--force", action="store_true", help="replace a factsheet that is already there")
    p.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DIR",
        help="where the factsheet goes (default: content/)",
    )
    _verbosity(p)

    p = sub.add_parser(
        "script",
        help="write narration and hold-line scripts (scripts/<slug>.yaml, .hold.yaml)",
        description="Write or check the narration and hold-line scripts of each factsheet.",
    )
    _script_options(p, "scripts")
    p.add_argument(
        "--migrate",
        action="store_true",
        help="convert scripts of an older format (Piper phonemes in 'spoken') to this one, "
        "keeping hand edits",
    )
    _folders(p)
    _verbosity(p)

    p = sub.add_parser(
        "build",
        help="build everything into audio/: episodes, feed, page, talking books, hold line",
        description="Build each factsheet: the episode MP3 with chapters and tags, "
        "per-chapter MP3s and M3U, VTT/SRT/TXT transcripts, JSON chapters, EPUB 3 and DAISY "
        "2.02 talking books, the phone hold line; then the podcast feed and the web page.",
    )
    p.add_argument("slugs", nargs="*", metavar="SLUG", help="factsheets (default: all)")
    p.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        help="speech engine (default: the script's, usually hibari)",
    )
    p.add_argument("--voice", help="voice id (see 'imnm-audio voices')")
    p.add_argument(
        "--regenerate",
        action="store_true",
        help="regenerate scripts that are older than their content",
    )
    p.add_argument(
        "--force", action="store_true", help="with --regenerate: overwrite scripts edited by hand"
    )
    p.add_argument("--no-hold", action="store_true", help="skip the phone hold-line audio")
    p.add_argument(
        "--low-memory",
        action="store_true",
        help="assemble each factsheet only after every clip is made, not beside synthesis "
        "(for small machines: about 70-140 MB less at the peak, 7-24%% slower with hibari)",
    )
    p.add_argument(
        "--formats",
        default="epub,daisy",
        metavar="LIST",
        help="talking books to make besides the episode: epub, daisy, both (default) or none",
    )
    p.add_argument("--check", action="store_true", help="proof-listen after building")
    _model(p)
    _cluster(p, "build each factsheet")
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="public address of the audio folder, for the feed (default: base_url in podcast.yaml)",
    )
    _folders(p)
    _cache(p)
    _verbosity(p)

    p = sub.add_parser(
        "lexicon",
        help="draft lexicon entries for the words to review; hear how words are said",
        description="Help with content/lexicon.yaml: 'suggest' prints an entry, ready to "
        "paste, for every word a factsheet's voice may say wrongly; 'try' speaks words or "
        "sentences several times and prints what the recogniser heard.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser(
        "suggest",
        help="print lexicon entries for the words to review",
        description="Print a lexicon entry for every word to review (rare words, names "
        "with digits, unknown acronyms), with a drafted 'say:' where the CMU Pronouncing "
        "Dictionary has the word.",
    )
    a.add_argument("slugs", nargs="*", metavar="SLUG", help="factsheets (default: all)")
    _folders(a)
    _verbosity(a)
    a = actions.add_parser(
        "try",
        help="speak words or sentences and print what the recogniser heard",
        description="Narrate each text with the lexicon, speak it --times times (Piper "
        "varies from take to take; hibari's first take is the one a build makes, the others "
        "use other seeds of its noise) and print what the recogniser heard. Exit 1 if a key "
        "word was missed in most takes.",
    )
    a.add_argument("texts", nargs="*", metavar="TEXT", help="a word or a sentence")
    a.add_argument("--times", type=int, default=3, help="takes of each text (default: 3)")
    a.add_argument("--engine", choices=sorted(ENGINES), help="default: podcast.yaml's")
    a.add_argument("--voice", help="voice id (default: podcast.yaml's)")
    a.add_argument("--save", type=Path, metavar="DIR", help="also write each take as a WAV file")
    a.add_argument(
        "--model",
        type=Path,
        metavar="DIR",
        help="hear with this CTranslate2 Whisper model folder instead of the bundled tiny.en "
        "(a second recogniser confirms a change)",
    )
    _folders(a)
    _verbosity(a)

    p = sub.add_parser(
        "voices",
        help="list engines and voices, and whether each works now",
        description="List speech engines, their voices and languages; with --language, the "
        "voices that speak that language (a factsheet is read only by a voice that speaks "
        "its language: set one per language under 'voices:' in podcast.yaml).",
    )
    p.add_argument("--engine", choices=sorted(ENGINES), help="only this engine")
    p.add_argument(
        "--language", metavar="TAG", help="only voices that speak this language (e.g. pt, es)"
    )
    _folders(p)
    _verbosity(p)
    actions = p.add_subparsers(dest="voices_action", metavar="add", required=False)
    a = actions.add_parser(
        "add",
        help="install a hibari voice file you have (checked against hibari's list)",
        description="Install a hibari voice file you obtained yourself (for example the "
        "British emma or fable, published by the model's author at huggingface.co/"
        "maureesewilliams/hibari, folder voices/). Its size and SHA-256 must match the "
        "entry in the list hibari ships (hibari/assets/voices.json); a file that does not "
        "match is refused (exit 2) and nothing is installed. Nothing is ever downloaded. "
        "Voices are kept in IMNM_AUDIO_HOME/voices/hibari (default: "
        "~/.local/share/imnm-audio/voices/hibari).",
    )
    a.add_argument("file", type=Path, metavar="FILE", help="the voice file (.onnx)")
    _verbosity(a)

    p = sub.add_parser(
        "cache",
        help="show or clear the clip cache",
        description="Show the size of the clip cache (speech clips and encoded chapter "
        "audio), or clear it.",
    )
    p.add_argument("action", choices=["info", "clear"])
    _cache(p)
    _verbosity(p)
    p = sub.add_parser(
        "hold",
        help="write hold-line scripts and build phone audio (audio/hold/)",
        description="Write each factsheet's hold-line script (scripts/<slug>.hold.yaml) and "
        "build its telephone audio: a file per message and a loop, in G.711 mu-law and A-law, "
        "16-bit PCM, raw Asterisk formats and MP3.",
    )
    _script_options(p, "hold scripts")
    _folders(p)
    _cache(p)
    _verbosity(p)

    p = sub.add_parser(
        "check",
        help="proof-listen to built episodes and verify every output",
        description="Transcribe each built episode offline and compare it with the script "
        "(word error rate, key-term recall), and check chapters, tags, loudness, silences and "
        "the hold-line files. Writes audio/<slug>/<slug>.check.json, .check.md and .check.png. "
        "Exit 0 when every threshold holds, 1 when one fails.",
    )
    p.add_argument("slugs", nargs="*", metavar="SLUG", help="factsheets (default: all)")
    p.add_argument(
        "--no-speech",
        action="store_true",
        help="skip speech recognition (structure and sound only)",
    )
    _model(p)
    _cluster(p, "check each episode")
    _cache(p, "what the recogniser heard (a check hears again only what changed)", "hear "
           "everything again and keep nothing")  # fmt: skip
    _folders(p)
    _verbosity(p)

    p = sub.add_parser(
        "serve",
        help="preview the page and feed on this computer",
        description="Serve the output folder on localhost (with byte ranges, so players can "
        "seek) to preview the listen-and-read page and the feed.",
    )
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument(
        "--bind",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this computer only)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("audio"),
        metavar="DIR",
        help="folder to serve (default: audio/)",
    )
    _verbosity(p)

    p = sub.add_parser(
        "publish",
        help="put the built podcast on a web host and read it back as a podcast app does",
        description="Send the built audio folder to TARGET (or 'publish: target:' in "
        "content/podcast.yaml): s3://bucket/prefix on any S3-compatible server, or "
        "sftp://user@host/path on a web server whose SSH key you trust (in "
        "~/.ssh/known_hosts), or file:///a/web/root. Only files whose bytes changed are "
        "sent; the feed goes last and files of a removed factsheet are deleted only after "
        "it, so the live feed is never broken. Then the feed is fetched from base_url and "
        "every episode is asked for as a player does. Exit 2 for a setting to fix "
        "(artwork the directories refuse, another show already there, an unknown server "
        "key), 3 when the target cannot be reached or refuses the login, 4 when what "
        "base_url serves is not what was sent.",
    )
    p.add_argument("target", nargs="?", help="where to publish (default: publish: target:)")
    p.add_argument(
        "--dry-run", action="store_true", help="say what would be sent and deleted; send nothing"
    )
    p.add_argument(
        "--no-verify", action="store_true", help="do not read the feed back from base_url"
    )
    p.add_argument(
        "--base-url",
        help="where the target is served from, for reading it back (default: base_url)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="publish even where another show's feed is (it is replaced)",
    )
    _folders(p)
    _verbosity(p)

    p = sub.add_parser(
        "studio",
        help="the whole job in a browser: import, details, build, listen, check",
        description="Start the studio, a web application on this computer for making a "
        "factsheet's audio without the command line. It prints its address with a one-time "
        "token; open that address in a browser. Ctrl-C stops it.",
    )
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this computer only); another "
        "address lets other computers in, always with the token, and needs --allow-remote",
    )
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="let --host be an address other computers reach; the studio speaks plain "
        "HTTP, so anyone on that network can read what passes (use it only on a network "
        "you trust, or behind an HTTPS proxy)",
    )
    p.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the project folder, holding content/ (default: this folder)",
    )
    _verbosity(p)
    return parser


def _model(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model",
        type=Path,
        metavar="DIR",
        help="a stronger recogniser: any CTranslate2 Whisper model folder (faster-whisper's "
        "format, with tokenizer.json); default: the bundled tiny.en",
    )
    p.add_argument(
        "--confirm-with",
        dest="confirm",
        type=Path,
        metavar="DIR",
        help="a second opinion (a stronger Whisper model folder, e.g. Whisper base): a key "
        "term the recogniser missed is heard again by it, and is 'spoken wrong' only if it "
        "misses it too, else 'not confirmed by the recogniser'",
    )
