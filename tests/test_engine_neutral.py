"""One reviewed script, every engine: Piper, gTTS (against a local stand-in of Google that
answers with real speech) and espeak-ng build the same committed script; each is given
its own form of the lexicon's terms, and the cache keeps each engine's clips apart."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
import responses
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from conftest import LEXICON, decode, folders, write_project
from imnm_audio.cli import main
from imnm_audio.engines.gtts import GttsEngine
from imnm_audio.ffmpeg import ffmpeg_exe
from imnm_audio.loudness import integrated_loudness
from test_export_hold import HOLD_FACTSHEET

GOOGLE = re.compile(r"https://translate\.google\.[a-z.]+/_/TranslateWebserverUi/data/batchexecute")
# A term whose forms differ by engine, so each engine's text shows which form it got.
TERMS = (
    LEXICON
    + """\
  - term: rest
    say: rest
    engines:
      piper: "[[ ɹˈɛst ]]"
      gtts: rest and sleep
"""
)


class GoogleStandIn:
    """Answers gTTS's requests as Google does (batchexecute, base64 MP3 of 24 kHz mono),
    with real speech: the asked-for text spoken by espeak-ng or Piper, encoded by ffmpeg."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._speaker = None

    def speak(self, text: str) -> bytes:
        from imnm_audio.engines import get_engine

        if self._speaker is None:
            engine = get_engine("piper")
            self._speaker = (engine, engine.voice("en_US-joe-medium"))
        engine, voice = self._speaker
        clip = engine.synthesize(text, voice, 1.0)
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "g.mp3"
            subprocess.run(
                [ffmpeg_exe(), "-v", "error", "-f", "s16le", "-ar", str(clip.sample_rate)]
                + ["-ac", "1", "-i", "-", "-ar", "24000", "-ac", "1", "-b:a", "32k", str(out)],
                input=clip.samples.tobytes(),
                check=True,
            )
            return out.read_bytes()

    def __call__(self, request):  # type: ignore[no-untyped-def]
        form = parse_qs(request.body if isinstance(request.body, str) else request.body.decode())
        rpc = json.loads(form["f.req"][0])
        text = json.loads(rpc[0][0][1])[0]
        self.texts.append(text)
        audio = base64.b64encode(self.speak(text)).decode("ascii")
        body = json.dumps(
            [["wrb.fr", "jQ1olc", json.dumps([audio]), None, None, None, "generic"]],
            separators=(",", ":"),
        )
        return 200, {}, ")]}'\n\n" + body + "\n"


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(GttsEngine, "backoff_s", 0.01)
    stand_in = GoogleStandIn()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, GOOGLE, callback=stand_in)
        mock.add(responses.HEAD, "https://translate.google.com/", status=200)
        yield stand_in


@pytest.fixture
def reviewed(tmp_path: Path) -> Path:
    """A project whose scripts were written (with Piper, the default) and reviewed."""
    root = write_project(tmp_path / "p", factsheet=HOLD_FACTSHEET, lexicon=TERMS)
    assert main(["script", "-q", *folders(root)]) == 0
    return root


def build(root: Path, cache: Path, *extra: str) -> int:
    return main(["build", "--formats", "none", *folders(root, cache), *extra])


def synthesised(out: str) -> list[int]:
    return [int(n) for n in re.findall(r"(\d+) synthesised", out)]


def test_gtts_builds_the_reviewed_script_end_to_end(
    reviewed: Path, google: GoogleStandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scripts = {p.name: p.read_bytes() for p in (reviewed / "scripts").iterdir()}
    assert b"{TCF}" in scripts["tcf.yaml"] and b"[[" not in scripts["tcf.yaml"]
    assert build(reviewed, tmp_path / "cache", "-q", "--engine", "gtts") == 0
    # The same committed scripts, untouched; Google got each term in its own form.
    assert {p.name: p.read_bytes() for p in (reviewed / "scripts").iterdir()} == scripts
    asked = " ".join(google.texts)
    assert "T C F" in asked and "rest and sleep" in asked
    assert "[[" not in asked and "{" not in asked and "TCF" not in asked
    # Read back as the Piper build is checked: chapters, tags, loudness, transcripts.
    out = reviewed / "audio" / "tcf"
    tags = ID3(out / "tcf.mp3")
    assert tags.version[:2] == (2, 3)
    assert len(tags.getall("CHAP")) == 4 and tags.getall("CTOC")
    assert str(tags["TIT2"]) == "Test Condition Factsheet (TCF)"
    assert MP3(out / "tcf.mp3").info.sample_rate == 44100
    samples = decode(out / "tcf.mp3")
    assert abs(integrated_loudness(samples / 32768.0, 44100) - (-19.0)) <= 1.0
    vtt = (out / "tcf.vtt").read_text()
    assert "Test Condition Factsheet (TCF) is a made-up condition" in vtt
    # And the hold line, made ready for the phone from gTTS's 24 kHz speech.
    hold = reviewed / "audio" / "hold" / "tcf"
    assert (hold / "tcf-hold-loop-ulaw.wav").stat().st_size > 8000 * 20


def test_each_engine_keeps_its_own_clips(
    reviewed: Path, google: GoogleStandIn, shared_cache: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    shutil.copytree(shared_cache, cache)
    assert build(reviewed, cache) == 0  # piper (perhaps from the shared cache)
    assert build(reviewed, cache, "--engine", "gtts") == 0
    asked = len(google.texts)
    capsys.readouterr()
    assert build(reviewed, cache) == 0  # back to Piper: everything is in the cache
    out = capsys.readouterr().out
    assert synthesised(out) == [0, 0], out
    assert build(reviewed, cache, "--engine", "gtts") == 0
    assert len(google.texts) == asked  # and gTTS's clips are still there too


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_builds_the_same_script(
    reviewed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (reviewed / "scripts" / "tcf.yaml").read_bytes()
    assert build(reviewed, tmp_path / "cache", "--engine", "espeak") == 0
    assert "tcf: built" in capsys.readouterr().out
    assert len(ID3(reviewed / "audio" / "tcf" / "tcf.mp3").getall("CHAP")) == 4
    assert (reviewed / "scripts" / "tcf.yaml").read_bytes() == before


def test_a_pronunciation_change_resynthesises_exactly_the_clips_with_the_term(
    reviewed: Path, shared_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(shared_cache, cache)
    assert build(reviewed, cache) == 0
    lexicon = reviewed / "content" / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text().replace("say: T C F", "say: T, C, F"))
    texts = [(reviewed / "scripts" / n).read_text() for n in ("tcf.yaml", "tcf.hold.yaml")]
    with_term = sum(len(re.findall(r"spoken: .*\{TCF\}", t)) for t in texts)
    assert with_term >= 4
    capsys.readouterr()
    assert build(reviewed, cache) == 0  # the scripts stay fresh: no --regenerate needed
    made = synthesised(capsys.readouterr().out)
    assert sum(made) == with_term, made


@responses.activate
def test_gtts_out_of_reach_exits_3_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(GttsEngine, "backoff_s", 0.01)
    responses.add(responses.POST, GOOGLE, body=requests.ConnectionError("no route to host"))
    cache = project / "cache"
    assert build(project, cache, "-q", "--engine", "gtts") == 3
    err = capsys.readouterr().err
    assert "Google Translate, and it could not be reached" in err
    assert "--engine hibari for offline speech" in err and "Traceback" not in err
    assert not (project / "scripts").exists() or not any((project / "scripts").iterdir())
    written = [p for p in (project / "audio").rglob("*") if p.name != ".imnm-audio.lock"]
    assert written == []
    assert not cache.exists() or not [p for p in cache.rglob("*") if p.is_file()]


def test_voices_says_whether_google_answers_now() -> None:
    with responses.RequestsMock() as mock:
        mock.add(responses.HEAD, "https://translate.google.com/", status=200)
        assert GttsEngine().status() == "online; Google Translate reachable now"
    with responses.RequestsMock() as mock:
        mock.add(
            responses.HEAD, "https://translate.google.com/", body=requests.ConnectionError("x")
        )
        assert "cannot be reached now (ConnectionError)" in GttsEngine().status()
    done = subprocess.run(
        [sys.executable, "-m", "imnm_audio", "voices", "--engine", "gtts"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "en-GB" in done.stdout and "translate.google.co.uk" in done.stdout
    assert "Google Translate" in done.stdout.splitlines()[0]
