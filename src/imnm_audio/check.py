"""Proof-listening and output verification: does the audio say what the script says?

Three kinds of check, each a list of findings with a pass/fail:
- speech: recognise the episode offline and compare it with the spoken text,
  segment by segment (word error rate) and term by term (key-term recall);
- structure: chapters, chapter files, JSON chapters, duration and tags agree;
- sound: loudness, true peak, clipping, silent gaps, and the hold-line files.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from mutagen import MutagenError
from mutagen.id3 import ID3

from .assemble import CUE_GAP_MS
from .content import CheckSettings as Thresholds
from .content import Lexicon, Podcast
from .errors import ContentError, EngineUnavailable
from .ffmpeg import decode_pcm
from .fsutil import atomic_write_bytes, atomic_write_text
from .listen import RATE, compare, normalise, transcribe, word_errors
from .loudness import measure
from .pronounce import heard_as
from .script import Script

ONSET_TOLERANCE_S = 0.050


@dataclass
class SegmentResult:
    chapter: str
    start: float
    end: float
    spoken: str
    heard: str
    wer: float
    missed_terms: list[str] = field(default_factory=list)


@dataclass
class Finding:
    check: str  # "speech", "structure" or "sound"
    name: str
    passed: bool
    detail: str


@dataclass
class CheckReport:
    slug: str
    engine: str = ""  # the engine the script was written for: whose lexicon forms to show
    wer: float = 0.0
    key_terms_heard: int = 0
    key_terms_total: int = 0
    findings: list[Finding] = field(default_factory=list)
    segments: list[SegmentResult] = field(default_factory=list)
    loudness_curve: list[tuple[float, float]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.findings)

    @property
    def recall(self) -> float:
        return self.key_terms_heard / self.key_terms_total if self.key_terms_total else 1.0

    def add(self, check: str, name: str, passed: bool, detail: str) -> None:
        self.findings.append(Finding(check, name, bool(passed), detail))


# ---------------------------------------------------------------- key terms


def key_terms(display: str, lexicon: Lexicon, spoken: str | None = None) -> list[str]:
    """Lexicon terms and capitalised acronyms in a piece of display text, once per use.

    With `spoken`, only the terms the narration actually says (a "QR code" the
    narration drops is not a term the listener should hear).
    """
    found = _terms_in(display, lexicon)
    if spoken is None:
        return found
    said = " ".join(normalise(heard_as(spoken, lexicon)))
    return [
        t for t in found if _canonical(t) in _canonical_text(said) or " ".join(normalise(t)) in said
    ]


def _canonical(term: str) -> str:
    """A web address or term with no spaces, dots or 'www': how to find it in any spelling."""
    return re.sub(r"[^a-z0-9]", "", term.lower().removeprefix("www."))


def _canonical_text(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\bdot\b", "", text.lower()))


def _terms_in(display: str, lexicon: Lexicon) -> list[str]:
    found: list[str] = []
    taken: list[tuple[int, int]] = []
    for term in sorted(lexicon.terms, key=lambda t: -len(t.term)):
        flags = 0 if term.match_case else re.IGNORECASE
        for m in re.finditer(
            r"(?<![\w/.])" + re.escape(term.term) + r"(?![\w/]|\.\w)", display, flags
        ):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                found.append(term.term)
                taken.append(m.span())
    for m in re.finditer(r"(?<![\w.-])([A-Z]{2,6})(?![\w])", display):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            found.append(m.group(1))
    return found


def _term_heard(term: str, heard: list[str]) -> bool:
    return _count(term, heard) > 0


def lexicon_hint(term: str, lexicon: Lexicon, engine: str = "") -> str:
    """The entry to fix, with the form the engine was actually given."""
    for entry in lexicon.terms:
        if entry.term == term:
            form = dict(entry.engines).get(engine)
            said = f"{engine}: {form!r}" if form else f"say: {entry.say!r}"
            return f"lexicon entry '{term}' ({said})"
    return f"no lexicon entry for '{term}': add one to content/lexicon.yaml"


def worst_first(segments: list[SegmentResult], worst: int) -> list[SegmentResult]:
    """Every segment with a missed key term (most misses first), then the other segments
    with errors, highest word error rate first, up to `worst` in all."""
    ranked = sorted(
        (s for s in segments if s.wer > 0 or s.missed_terms),
        key=lambda s: (-len(s.missed_terms), -s.wer),
    )
    return ranked[: max(worst, sum(1 for s in ranked if s.missed_terms))]


# ---------------------------------------------------------------- speech


def check_speech(
    report: CheckReport,
    script: Script,
    timings: list[dict[str, Any]],
    samples16: np.ndarray,
    lexicon: Lexicon,
    thresholds: Thresholds,
) -> None:
    """Recognise the episode; score it per chapter, and each segment for the report.

    The whole episode is recognised in one pass (short clips padded with silence make
    Whisper invent words); words are then given to chapters and segments by time.
    Episode scores compare whole chapters, so a word the recogniser places a little
    early or late is not counted twice; segment scores show where to listen.
    """
    glossary = sorted({t.term for t in lexicon.terms if " " not in t.term and "/" not in t.term})
    everything = transcribe(samples16, glossary)
    errors = words = 0
    for chapter, timing in zip(script.chapters, timings, strict=True):
        begin = timing["segments"][0]["start"] - 0.3
        finish = timing["segments"][-1]["end"] + 0.3
        heard = [w for w in everything if begin <= (w.start + w.end) / 2 <= finish]
        spoken = " ".join(heard_as(s.spoken, lexicon) for s in chapter.segments)
        reference, hypothesis = compare(spoken, " ".join(w.text for w in heard))
        errors += word_errors(reference, hypothesis)
        words += len(reference)
        spans = timing["segments"]
        owner = [_owner(spans, (w.start + w.end) / 2) for w in heard]
        for index, segment in enumerate(chapter.segments):
            heard_words = [w.text for w, o in zip(heard, owner, strict=True) if o == index]
            ref, hyp = compare(heard_as(segment.spoken, lexicon), " ".join(heard_words))
            terms = key_terms(segment.display, lexicon, segment.spoken)
            missed = [t for t in terms if not _term_heard(t, hyp)]
            report.segments.append(
                SegmentResult(
                    chapter.id,
                    spans[index]["start"],
                    spans[index]["end"],
                    segment.spoken,
                    " ".join(heard_words),
                    word_errors(ref, hyp) / max(1, len(ref)),
                    missed,
                )
            )
        # Key terms are counted over the whole chapter, occurrence by occurrence.
        terms = [t for s in chapter.segments for t in key_terms(s.display, lexicon, s.spoken)]
        for term in set(terms):
            wanted = terms.count(term)
            found = _count(term, hypothesis)
            report.key_terms_total += wanted
            report.key_terms_heard += min(wanted, found)
    report.wer = errors / max(1, words)
    report.add(
        "speech",
        "word error rate",
        report.wer <= thresholds.max_wer,
        f"{report.wer:.1%} of {words} words (at most {thresholds.max_wer:.0%})",
    )
    report.add(
        "speech",
        "key-term recall",
        report.recall >= thresholds.min_key_term_recall,
        f"{report.key_terms_heard} of {report.key_terms_total} heard as intended "
        f"({report.recall:.1%}; at least {thresholds.min_key_term_recall:.0%})",
    )


def _owner(spans: list[dict[str, Any]], t: float) -> int:
    """The segment a word heard at time t belongs to: the one around it, or the nearest."""
    distances = [
        0.0 if s["start"] <= t <= s["end"] else min(abs(t - s["start"]), abs(t - s["end"]))
        for s in spans
    ]
    return int(np.argmin(distances))


def _count(term: str, heard: list[str]) -> int:
    """How often a term was heard: as its words, or (web addresses) in any spacing."""
    if "." in term:
        return _canonical_text(" ".join(heard)).count(_canonical(term))
    wanted = normalise(term)
    n = len(wanted)
    return sum(heard[i : i + n] == wanted for i in range(len(heard) - n + 1))


# ---------------------------------------------------------------- structure


def _onset(samples: np.ndarray, rate: int, start: float) -> float | None:
    frame = rate // 200
    begin = max(0, int((start - 0.3) * rate))
    chunk = samples[begin : begin + 2 * rate].astype(np.float64) / 32768.0
    usable = len(chunk) // frame * frame
    if usable == 0:
        return None
    rms = np.sqrt(np.mean(chunk[:usable].reshape(-1, frame) ** 2, axis=1))
    loud = np.nonzero(rms > 0.01)[0]
    return (begin + loud[0] * frame) / rate if len(loud) else None


def check_structure(
    report: CheckReport,
    script: Script,
    folder: Path,
    timings: list[dict[str, Any]],
    samples: np.ndarray,
    rate: int,
) -> None:
    slug = script.slug
    mp3 = folder / f"{slug}.mp3"
    tags = ID3(mp3)
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    titles = [str(c.sub_frames.get("TIT2", "")) for c in chaps]
    expected = [c.title for c in script.chapters]
    report.add(
        "structure",
        "chapters match the script",
        titles == expected,
        f"{len(titles)} chapters in the MP3, {len(expected)} in the script",
    )
    tocs = tags.getall("CTOC")
    report.add(
        "structure",
        "chapter table of contents",
        bool(tocs) and all(c.element_id in tocs[0].child_element_ids for c in chaps),
        "CTOC lists every CHAP",
    )
    worst = 0.0
    for chap in chaps[1:]:
        onset = _onset(samples, rate, chap.start_time / 1000)
        worst = max(worst, abs(onset - chap.start_time / 1000) if onset is not None else 9.9)
    report.add(
        "structure",
        "chapters start on the first word",
        worst <= ONSET_TOLERANCE_S,
        f"largest distance from the start of speech: {worst * 1000:.0f} ms "
        f"(at most {ONSET_TOLERANCE_S * 1000:.0f} ms)",
    )
    duration = len(samples) / rate
    report.add(
        "structure",
        "duration",
        abs(duration - timings[-1]["end"]) <= 0.05,
        f"{duration:.2f} s decoded, {timings[-1]['end']:.2f} s assembled",
    )
    try:
        doc = json.loads((folder / f"{slug}.chapters.json").read_text(encoding="utf-8"))
        json_ok = [(c["title"], round(c["startTime"] * 1000)) for c in doc["chapters"]] == [
            (t, c.start_time) for t, c in zip(titles, chaps, strict=False)
        ]
    except (OSError, ValueError, KeyError):
        json_ok = False
    report.add("structure", "JSON chapters agree", json_ok, f"{slug}.chapters.json")
    files = sorted((folder / "chapters").glob("*.mp3"))
    report.add(
        "structure",
        "a file per chapter",
        len(files) == len(expected),
        f"{len(files)} files in chapters/",
    )
    needed = {
        "TIT2": "title",
        "TPE1": "artist",
        "TALB": "album",
        "TLAN": "language",
        "APIC": "cover",
        "WOAS": "source URL",
        "USLT": "transcript",
    }
    missing = [name for frame, name in needed.items() if not tags.getall(frame)]
    report.add(
        "structure",
        "tags complete",
        not missing,
        "missing: " + ", ".join(missing) if missing else "all present",
    )


# ---------------------------------------------------------------- sound


def check_sound(
    report: CheckReport,
    script: Script,
    podcast: Podcast,
    samples: np.ndarray,
    rate: int,
    thresholds: Thresholds,
) -> None:
    lufs, peak = measure(samples, rate)
    target = podcast.audio.target_lufs
    if podcast.audio.channels == 2:
        lufs += 3.0103
    report.add(
        "sound",
        "loudness",
        abs(lufs - target) <= thresholds.loudness_tolerance_lu,
        f"{lufs:.1f} LUFS (target {target:.0f} ± {thresholds.loudness_tolerance_lu:g})",
    )
    report.add(
        "sound",
        "true peak",
        peak <= podcast.audio.true_peak_db,
        f"{peak:.1f} dBTP (at most {podcast.audio.true_peak_db:g})",
    )
    clipped = int(np.count_nonzero(np.abs(samples.astype(np.int32)) >= 32767))
    report.add("sound", "no clipping", clipped == 0, f"{clipped} samples at full scale")
    frame = rate // 100
    usable = len(samples) // frame * frame
    rms = np.sqrt(
        np.mean((samples[:usable].astype(np.float64) / 32768).reshape(-1, frame) ** 2, axis=1)
    )
    quiet = np.concatenate([[0], (rms < 10 ** (-50 / 20)).astype(np.int8), [0]])
    edges = np.diff(quiet)
    runs = (np.nonzero(edges == -1)[0] - np.nonzero(edges == 1)[0]) / 100
    longest = float(runs[1:-1].max()) if len(runs) > 2 else 0.0  # not lead-in or tail
    allowed = max([s.pause_ms for s in script.segments] + [CUE_GAP_MS]) / 1000 + 0.3
    report.add(
        "sound",
        "no long silence",
        longest <= allowed,
        f"longest gap {longest:.2f} s (at most {allowed:.2f} s)",
    )
    report.loudness_curve = _short_term_loudness(samples, rate)


def _short_term_loudness(samples: np.ndarray, rate: int) -> list[tuple[float, float]]:
    """BS.1770 short-term loudness (3 s windows) every 0.5 s, for the report's picture."""
    import pyloudnorm

    meter = pyloudnorm.Meter(rate, block_size=3.0)
    x = samples.astype(np.float64) / 32768.0
    curve = []
    for start in np.arange(0, max(0.0, len(x) / rate - 3.0), 0.5):
        block = x[int(start * rate) : int((start + 3.0) * rate)]
        with np.errstate(divide="ignore"):
            value = meter.integrated_loudness(block)
        curve.append((float(start + 1.5), float(max(value, -70.0))))
    return curve


def check_hold(
    report: CheckReport, folder: Path, level_dbov: float, thresholds: Thresholds
) -> None:
    """The hold-line files: codec, rate, band and level of the narrowband loop."""
    from .export.hold import active_speech_level

    loop = folder / f"{folder.name}-hold-loop-ulaw.wav"
    if not loop.is_file():
        report.add("sound", "hold-line files", False, f"{loop} is missing")
        return
    info = run_ffmpeg_probe(loop)
    report.add(
        "sound",
        "hold-line format",
        "pcm_mulaw" in info and "8000 Hz" in info and "mono" in info,
        "loop is G.711 mu-law, 8 kHz, mono",
    )
    x = decode_pcm(loop, 8000).astype(np.float64) / 32768.0
    power = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / 8000)
    above = float(power[freqs > 3400].sum() / power.sum())
    report.add("sound", "hold-line band", above < 0.01, f"{above:.2%} of the energy above 3.4 kHz")
    level = active_speech_level(x, 8000)
    report.add(
        "sound",
        "hold-line level",
        abs(level - level_dbov) <= thresholds.hold_level_tolerance_db,
        f"{level:.1f} dBov (target {level_dbov:g} ± {thresholds.hold_level_tolerance_db:g})",
    )


def run_ffmpeg_probe(path: Path) -> str:
    import subprocess

    from .ffmpeg import ffmpeg_exe

    return subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True, check=False
    ).stderr


# ---------------------------------------------------------------- all together


def check_episode(
    script: Script,
    podcast: Podcast,
    lexicon: Lexicon,
    out_dir: Path,
    thresholds: Thresholds,
    speech: bool = True,
) -> CheckReport:
    folder = out_dir / script.slug
    mp3 = folder / f"{script.slug}.mp3"
    report = CheckReport(script.slug, script.voice.engine)
    try:
        timings = json.loads((folder / "timings.json").read_text(encoding="utf-8"))
        ID3(mp3)
        samples = decode_pcm(mp3, podcast.audio.sample_rate)
    except (OSError, ValueError) as err:
        raise ContentError(
            f"the built episode cannot be read ({err}).",
            path=folder,
            fix="Build it again with 'imnm-audio build'.",
        ) from None
    except (MutagenError, EngineUnavailable) as err:
        raise ContentError(
            f"the episode MP3 is damaged or truncated ({err}).",
            path=mp3,
            fix="Build it again with 'imnm-audio build'.",
        ) from None
    if len(samples) < podcast.audio.sample_rate or [t["id"] for t in timings] != [
        c.id for c in script.chapters
    ]:
        raise ContentError(
            "the episode does not match its script (built from another version, or cut short).",
            path=mp3,
            fix="Build it again with 'imnm-audio build'.",
        )
    check_structure(report, script, folder, timings, samples, podcast.audio.sample_rate)
    check_sound(report, script, podcast, samples, podcast.audio.sample_rate, thresholds)
    hold = out_dir / "hold" / script.slug
    if hold.is_dir():
        check_hold(report, hold, podcast.hold.level_dbov, thresholds)
    if speech:
        samples16 = decode_pcm(mp3, RATE)
        check_speech(report, script, timings, samples16, lexicon, thresholds)
    return report


# ---------------------------------------------------------------- reports


def write_reports(
    report: CheckReport, folder: Path, timings: list[dict[str, Any]], lexicon: Lexicon
) -> list[str]:
    slug = report.slug
    data = {
        "slug": slug,
        "passed": report.passed,
        "wer": round(report.wer, 4),
        "key_terms_heard": report.key_terms_heard,
        "key_terms_total": report.key_terms_total,
        "findings": [asdict(f) for f in report.findings],
        "segments": [asdict(s) for s in sorted(report.segments, key=lambda s: -s.wer)],
    }
    atomic_write_text(folder / f"{slug}.check.json", json.dumps(data, indent=1) + "\n")
    picture = _picture(report, timings)
    atomic_write_bytes(folder / f"{slug}.check.png", picture)
    atomic_write_text(folder / f"{slug}.check.md", render_markdown(report, lexicon))
    return [f"{slug}.check.json", f"{slug}.check.md", f"{slug}.check.png"]


def render_markdown(report: CheckReport, lexicon: Lexicon, worst: int = 10) -> str:
    lines = [
        f"# Proof-listening report: {report.slug}",
        "",
        f"**{'PASSED' if report.passed else 'FAILED'}**",
        "",
        "| check | what | result | details |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {f.check} | {f.name} | {'pass' if f.passed else 'FAIL'} | {f.detail} |"
        for f in report.findings
    ]
    lines += [
        "",
        f"![Short-term loudness over time]({report.slug}.check.png)",
        "",
        "## Segments heard least well (every missed key term first)",
        "",
    ]
    for s in worst_first(report.segments, worst):
        lines += [
            f"- **{s.chapter}** at {s.start:.1f} s, word error rate {s.wer:.0%}",
            f"  - expected: {s.spoken}",
            f"  - heard: {s.heard or '(nothing)'}",
        ]
        lines += [
            f"  - missed **{t}**: {lexicon_hint(t, lexicon, report.engine)}" for t in s.missed_terms
        ]
    return "\n".join(lines) + "\n"


def summary(report: CheckReport, lexicon: Lexicon, worst: int = 5) -> str:
    out = [f"{report.slug}: {'passed' if report.passed else 'FAILED'}"]
    out += [
        f"  {'ok  ' if f.passed else 'FAIL'} {f.check}: {f.name}: {f.detail}"
        for f in report.findings
    ]
    bad = worst_first(report.segments, worst)
    if bad:
        out.append("  segments heard least well (every missed key term first):")
        for s in bad:
            out += [
                f"    {s.chapter} at {s.start:.1f} s ({s.wer:.0%} wrong)",
                f"      expected: {s.spoken}",
                f"      heard:    {s.heard or '(nothing)'}",
            ]
            out += [
                f"      missed {t}: {lexicon_hint(t, lexicon, report.engine)}"
                for t in s.missed_terms
            ]
    return "\n".join(out)


def _picture(report: CheckReport, timings: list[dict[str, Any]]) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 4), dpi=100)
    if report.loudness_curve:
        t, v = zip(*report.loudness_curve, strict=True)
        ax.plot(t, v, color="#0a2342", linewidth=1.2, label="short-term loudness (LUFS)")
    for chapter in timings[1:]:
        ax.axvline(chapter["start"], color="#777777", linestyle="--", linewidth=0.8)
    for n, chapter in enumerate(timings, 1):
        ax.text(chapter["start"] + 0.5, -22 + (n % 2) * 1.5, str(n), fontsize=8)
    for s in report.segments:
        if s.missed_terms or s.wer > 0.25:
            ax.axvspan(s.start, s.end, color="#d1495b", alpha=0.3)
    ax.set_xlabel("time (s); dashed lines: chapters; red: segments flagged by the check")
    ax.set_ylabel("LUFS")
    ax.set_ylim(-40, -10)
    ax.set_title(f"{report.slug}: short-term loudness")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
