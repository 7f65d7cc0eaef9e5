"""Sound: loudness, true peak, clipping, silent gaps, and the hold-line files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..assemble import CUE_GAP_MS
from ..content import CheckSettings as Thresholds
from ..content import Podcast
from ..ffmpeg import decode_pcm
from ..loudness import measure, short_term_loudness
from ..script import Script
from .report import CheckReport


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
    report.loudness_curve = short_term_loudness(samples, rate, full_scale=32768.0)


def check_hold(
    report: CheckReport, folder: Path, level_dbov: float, thresholds: Thresholds
) -> None:
    """The hold-line files: codec, rate, band and level of the narrowband loop."""
    from ..export.hold import active_speech_level

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

    from ..ffmpeg import ffmpeg_exe

    return subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True, check=False
    ).stderr
