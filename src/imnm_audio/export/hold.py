"""Telephone hold-line audio: band-limited, levelled speech in the formats phone systems play.

Processing, in order: resample to 16 kHz; band-limit (300-3400 Hz for the 8 kHz
narrowband files, 100-7000 Hz for the 16 kHz wideband ones); gentle compression so
quiet words survive the line; level to an ITU-T P.56 active speech level; a
look-ahead limiter keeps peaks 3 dB under full scale; 10 ms fades at both ends so a
looped file joins without a click.
"""

from __future__ import annotations

import functools
import io
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..dsp import butterworth_power, convolve, smoothing, spectral
from ..loudness import limit_peaks

NARROW_BAND = (300.0, 3400.0)
WIDE_BAND = (100.0, 7000.0)
PEAK_DBOV = -3.0
FADE_MS = 10

# (file suffix, description) of every format written for each message and the loop.
FORMATS = (
    ("-ulaw.wav", "G.711 mu-law WAV, 8 kHz mono (Cisco, Mitel, most PBXs in North America)"),
    ("-alaw.wav", "G.711 A-law WAV, 8 kHz mono (Cisco, Mitel, most PBXs in Europe)"),
    ("-8k.wav", "16-bit PCM WAV, 8 kHz mono"),
    ("-16k.wav", "16-bit PCM WAV, 16 kHz mono, wideband (HD voice, Cisco)"),
    (".ulaw", "raw mu-law, 8 kHz (Asterisk)"),
    (".alaw", "raw A-law, 8 kHz (Asterisk)"),
    (".sln", "raw signed linear 16-bit, 8 kHz (Asterisk)"),
    (".sln16", "raw signed linear 16-bit, 16 kHz (Asterisk, wideband)"),
    (".mp3", "MP3, 16 kHz mono, 48 kbps (web phone services such as Twilio)"),
)


@dataclass(frozen=True)
class PhoneAudio:
    narrow: np.ndarray  # int16 at 8 kHz
    wide: np.ndarray  # int16 at 16 kHz


def active_speech_level(x: np.ndarray, rate: int) -> float:
    """ITU-T P.56 method B active speech level, in dB relative to full scale (dBov)."""
    if len(x) == 0 or not np.any(x):
        return -np.inf
    # The envelope: |x| through two one-pole smoothers of 30 ms (in x's precision).
    envelope = convolve(np.abs(x), smoothing(rate, 0.03))
    hangover = int(round(0.2 * rate))
    energy = float(np.add.reduce(np.square(x), dtype=np.float64))
    margin = 15.9
    thresholds = 2.0 ** np.arange(-15, 1)  # 6 dB steps up to full scale
    previous: tuple[float, float] | None = None
    for c in thresholds:
        n_active = _active_with_hangover(envelope >= c, hangover)
        if n_active == 0:
            break
        level = 10 * np.log10(energy / n_active)
        difference = level - 20 * np.log10(c)
        if difference <= margin:
            if previous is None:
                return float(level)
            prev_level, prev_diff = previous
            share = (prev_diff - margin) / (prev_diff - difference)
            return float(prev_level + share * (level - prev_level))
        previous = (level, difference)
    return float(previous[0]) if previous else -np.inf


def _active_with_hangover(active: np.ndarray, hangover: int) -> int:
    """How many samples are active when each active sample keeps the next `hangover`
    samples active too: counted from the runs of active samples, not sample by sample."""
    edges = np.flatnonzero(np.diff(active.view(np.int8), prepend=0, append=0))
    starts, ends = edges[0::2], edges[1::2]
    if len(starts) == 0:
        return 0
    # Each run reaches `hangover` samples past its end, but not past the next run's start.
    reach = np.minimum(ends + hangover, np.append(starts[1:], len(active)))
    return int((reach - starts).sum())


def _band(freqs: np.ndarray, band: tuple[float, float]) -> np.ndarray:
    """The response of a 6th-order Butterworth high-pass at the band's low edge and a
    10th-order low-pass at its high edge (designed at 16 kHz), each run forwards and
    backwards: zero phase, and the magnitude squared, which is the power response."""
    low = butterworth_power(freqs, 16000, band[0], 6, highpass=True)
    high = butterworth_power(freqs, 16000, band[1], 10, highpass=False)
    return low * high


def _compress(
    x: np.ndarray, rate: int, threshold_db: float = -32.0, ratio: float = 2.5
) -> np.ndarray:
    """Gentle compression: above the threshold, level changes are divided by `ratio`."""
    from scipy.ndimage import uniform_filter1d

    window = max(1, rate // 50)  # 20 ms
    rms = np.sqrt(uniform_filter1d(x**2, window) + 1e-12)
    level = 20 * np.log10(rms)
    over = np.maximum(level - threshold_db, 0.0)
    gain_db = -over * (1 - 1 / ratio)
    gain_db = uniform_filter1d(gain_db, max(1, rate // 20))  # 50 ms smoothing, no pumping
    return x * 10 ** (gain_db / 20)


def _fade(x: np.ndarray, rate: int) -> np.ndarray:
    """Fade both ends in place (x is the caller's own fresh array)."""
    n = min(len(x) // 2, rate * FADE_MS // 1000)
    if n:
        ramp = np.linspace(0.0, 1.0, n)
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


def _to_int16(x: np.ndarray) -> np.ndarray:
    y = x * 32768.0
    np.round(y, out=y)
    np.clip(y, -32768, 32767, out=y)
    return y.astype(np.int16)


def shape(samples: np.ndarray, rate: int) -> PhoneAudio:
    """Band-limited, compressed narrowband (8 kHz) and wideband (16 kHz) float versions.

    Resampling to 16 kHz and both band filters are one FFT (dsp.spectral); the
    compressed narrowband signal is resampled to 8 kHz by a second one.
    """
    x = samples.astype(np.float64) / 32768.0
    bands = [functools.partial(_band, band=band) for band in (NARROW_BAND, WIDE_BAND)]
    narrow16, wide = spectral(x, rate, 16000, bands)
    (narrow,) = spectral(_compress(narrow16, 16000), 16000, 8000, [None])
    wide = _compress(wide, 16000)
    # Worked out in float64, kept in float32: the loop is made of these pieces, and
    # float32 is far finer than the 16-bit samples they become.
    return PhoneAudio(narrow=narrow.astype(np.float32), wide=wide.astype(np.float32))


def level_gains(reference: PhoneAudio, level_dbov: float) -> tuple[float, float]:
    """Linear gains that bring the reference (the loop) to the target active speech level."""
    return (
        10 ** ((level_dbov - active_speech_level(reference.narrow, 8000)) / 20),
        10 ** ((level_dbov - active_speech_level(reference.wide, 16000)) / 20),
    )


def finish(shaped: PhoneAudio, gains: tuple[float, float]) -> PhoneAudio:
    """Apply the level, limit peaks to -3 dBov, fade both ends; 16-bit samples out."""
    out = []
    for x, gain, rate in ((shaped.narrow, gains[0], 8000), (shaped.wide, gains[1], 16000)):
        y = limit_peaks(x * gain, rate, 10 ** (PEAK_DBOV / 20), in_place=True)  # our own copy
        out.append(_to_int16(_fade(y, rate)))
    return PhoneAudio(narrow=out[0], wide=out[1])


def telephone(samples: np.ndarray, rate: int, level_dbov: float) -> PhoneAudio:
    """Narrowband and wideband versions of int16 speech at `rate`, levelled for the phone."""
    shaped = shape(samples, rate)
    return finish(shaped, level_gains(shaped, level_dbov))


def _wav(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def _xlaw_to_linear(code: int, law: str) -> int:
    """The 16-bit value a G.711 code stands for (ITU-T G.711, as in Sun's g711.c)."""
    if law == "ulaw":
        code = ~code & 0xFF
        value = (((code & 0x0F) << 3) + 0x84) << ((code & 0x70) >> 4)
        return 0x84 - value if code & 0x80 else value - 0x84
    code ^= 0x55
    step, segment = code & 0x0F, (code & 0x70) >> 4
    value = (2 * step + 33) << (segment + 2) if segment else (2 * step + 1) << 3
    return value if code & 0x80 else -value


@functools.cache
def _linear_to_xlaw(law: str) -> np.ndarray:
    """The encoder's table over the top 14 bits of a sample: each value gets the code
    whose level is nearest (decision points halfway between levels), as ffmpeg does."""
    mask = 0xFF if law == "ulaw" else 0xD5
    table = np.zeros(16384, dtype=np.uint8)
    table[8192] = mask
    j = 1
    for i in range(127):
        halfway = (_xlaw_to_linear(i ^ mask, law) + _xlaw_to_linear((i + 1) ^ mask, law) + 4) >> 3
        table[8192 - halfway + 1 : 8192 - j + 1] = i ^ mask ^ 0x80
        table[8192 + j : 8192 + max(j, halfway)] = i ^ mask
        j = max(j, halfway)
    table[1 : 8192 - j + 1] = 127 ^ mask ^ 0x80
    table[8192 + j :] = 127 ^ mask
    table[0] = table[1]
    return table


def g711(samples: np.ndarray, law: str) -> bytes:
    """16-bit samples as G.711 mu-law ("ulaw") or A-law ("alaw") bytes."""
    return _linear_to_xlaw(law)[(samples.astype(np.int32) + 32768) >> 2].tobytes()


def _g711_wav(data: bytes, law: str) -> bytes:
    """A WAV file of G.711 bytes at 8 kHz: WAVE_FORMAT_MULAW (7) or ALAW (6), with the
    'fact' chunk non-PCM WAV files carry (byte for byte what ffmpeg writes)."""
    fmt = struct.pack("<HHIIHHH", 7 if law == "ulaw" else 6, 1, 8000, 8000, 1, 8, 0)
    body = b"".join(
        [
            b"fmt ",
            struct.pack("<I", len(fmt)),
            fmt,
            b"fact",
            struct.pack("<II", 4, len(data)),
            b"data",
            struct.pack("<I", len(data)),
            data,
            b"\0" * (len(data) & 1),
        ]
    )
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def phone_files(audio: PhoneAudio) -> dict[str, bytes]:
    """Every format but the MP3, by file suffix: worked out here, sample by sample."""
    narrow, wide = audio.narrow, audio.wide
    ulaw, alaw = g711(narrow, "ulaw"), g711(narrow, "alaw")
    return {
        "-ulaw.wav": _g711_wav(ulaw, "ulaw"),
        "-alaw.wav": _g711_wav(alaw, "alaw"),
        "-8k.wav": _wav(narrow, 8000),
        "-16k.wav": _wav(wide, 16000),
        ".ulaw": ulaw,
        ".alaw": alaw,
        ".sln": narrow.astype("<i2").tobytes(),
        ".sln16": wide.astype("<i2").tobytes(),
    }


PHONE_MP3 = {"bitrate_kbps": 48, "sample_rate": 16000, "channels": 1}  # of the wideband


def write_formats(audio: PhoneAudio, folder: Path, name: str, mp3: bytes) -> list[str]:
    """Write `name` in every format into `folder` (the MP3 as given: encoded from
    audio.wide with PHONE_MP3); return the file names."""
    files = {**phone_files(audio), ".mp3": mp3}
    for suffix, _ in FORMATS:
        (folder / f"{name}{suffix}").write_bytes(files[suffix])
    return [name + suffix for suffix, _ in FORMATS]


def musiconhold_conf(slug: str, loop_name: str) -> str:
    return f"""\
; Asterisk music-on-hold class for the '{slug}' hold line (made by imnm-audio).
; Copy the .ulaw, .alaw, .sln and .sln16 files to /var/lib/asterisk/moh/{slug}/;
; Asterisk plays the format that matches the caller's codec, with no conversion.
; Asterisk applies no volume change: the level is already set in the files.
; Use it with, e.g., Set(CHANNEL(musicclass)={slug}) or MusicOnHold({slug}).

[{slug}]
mode=playlist
entry=/var/lib/asterisk/moh/{slug}/{loop_name}
"""
