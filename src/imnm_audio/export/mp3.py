"""Encode PCM to MP3 with ffmpeg, then write ID3v2.3 tags and chapters with mutagen."""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TCOP,
    TIT2,
    TLAN,
    TPE1,
    TPUB,
    TRCK,
    TXXX,
    TYER,
    USLT,
    WOAR,
    WOAS,
    WXXX,
    CTOCFlags,
    PictureType,
)

from ..assemble import ChapterTiming
from ..ffmpeg import decode_pcm, encode_pcm

# ISO 639-2 codes for TLAN/USLT/COMM, from the BCP 47 primary language.
ISO639_2 = {
    "en": "eng",
    "es": "spa",
    "fr": "fra",
    "de": "deu",
    "it": "ita",
    "pt": "por",
    "nl": "nld",
    "pl": "pol",
    "cy": "cym",
    "ga": "gle",
    "ar": "ara",
    "zh": "zho",
    "hi": "hin",
    "ur": "urd",
    "ja": "jpn",
    "ru": "rus",
    "tr": "tur",
    "sv": "swe",
}
NO_OFFSET = 0xFFFFFFFF  # CHAP byte offsets unused: times are authoritative


class _ChapterOrderedID3(ID3):
    """ID3 that writes CTOC, then CHAP frames in time order, then the cover.

    mutagen orders frames by size, and ffmpeg and some players list chapters in the
    order their CHAP frames stand in the tag, not by start time (DESIGN.md pitfalls).
    """

    def _write(self, config: object) -> bytearray:
        from mutagen.id3._tags import save_frame  # the frame encoder mutagen's own _write uses

        rank = {"CTOC": 1, "CHAP": 2, "APIC": 3}

        def key(frame: object) -> tuple[int, int, str]:
            frame_id = getattr(frame, "FrameID", "")
            start = getattr(frame, "start_time", 0) if frame_id == "CHAP" else 0
            return rank.get(frame_id, 0), start, getattr(frame, "HashKey", "")

        frames = sorted(self.values(), key=key)
        return bytearray().join(save_frame(f, config=config) for f in frames)


def iso639_2(language: str) -> str:
    return ISO639_2.get(language.split("-")[0].lower(), "und")


def encode_mp3(
    samples: np.ndarray,
    rate: int,
    path: Path,
    *,
    bitrate_kbps: int,
    sample_rate: int,
    channels: int,
) -> None:
    """Mono int16 PCM to a CBR MP3 (LAME), bit-exact so the same input gives the same bytes."""
    encode_pcm(
        samples,
        rate,
        [
            "-ar",
            str(sample_rate),
            "-ac",
            str(channels),
            "-c:a",
            "libmp3lame",
            "-b:a",
            f"{bitrate_kbps}k",
            "-write_xing",
            "1",
            "-id3v2_version",
            "0",
            "-f",
            "mp3",
        ],
        path,
    )


@functools.cache
def codec_gain_db(bitrate_kbps: int, sample_rate: int, channels: int, rate: int) -> float:
    """How many dB the MP3 encoder changes the level, measured on a 1 kHz tone.

    ffmpeg's libmp3lame path comes out about 0.45 dB quieter than its input (also seen
    as ffmpeg-normalize issue 190); the build levels the PCM to make up for it.
    """
    t = np.arange(rate * 2) / rate
    tone = (np.sin(2 * np.pi * 1000 * t) * 0.25 * 32767).astype(np.int16)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tone.mp3"
        encode_mp3(
            tone, rate, path, bitrate_kbps=bitrate_kbps, sample_rate=sample_rate, channels=channels
        )
        decoded = decode_pcm(path, rate)
    middle = slice(rate // 2, rate * 3 // 2)
    return float(
        20
        * np.log10(
            np.std(decoded[middle].astype(np.float64)) / np.std(tone[middle].astype(np.float64))
        )
    )


@dataclass(frozen=True)
class Tags:
    title: str
    artist: str
    album: str
    year: str
    language: str  # BCP 47
    description: str
    copyright: str | None
    publisher: str
    source_url: str | None = None
    artist_url: str | None = None
    links: tuple[tuple[str, str], ...] = ()  # (description, url)
    cover_png: bytes | None = None
    transcript: str | None = None
    track: str | None = None  # "3/7"
    voice: str | None = None  # "hibari:heart": the engine and voice that spoke it


def write_tags(path: Path, tags: Tags, chapters: tuple[ChapterTiming, ...] = ()) -> None:
    """Write ID3v2.3: what Apple Podcasts, Overcast, Pocket Casts, AntennaPod and VLC read."""
    lang = iso639_2(tags.language)
    id3 = _ChapterOrderedID3()
    id3.add(TIT2(encoding=1, text=tags.title))
    id3.add(TPE1(encoding=1, text=tags.artist))
    id3.add(TALB(encoding=1, text=tags.album))
    id3.add(TCON(encoding=1, text="Podcast"))
    id3.add(TYER(encoding=1, text=tags.year))
    id3.add(TLAN(encoding=1, text=lang))
    id3.add(TPUB(encoding=1, text=tags.publisher))
    id3.add(COMM(encoding=1, lang=lang, desc="", text=tags.description))
    if tags.copyright:
        id3.add(TCOP(encoding=1, text=tags.copyright))
    if tags.track:
        id3.add(TRCK(encoding=1, text=tags.track))
    if tags.voice:
        id3.add(TXXX(encoding=1, desc="voice", text=tags.voice))
    if tags.source_url:
        id3.add(WOAS(url=tags.source_url))
    if tags.artist_url:
        id3.add(WOAR(url=tags.artist_url))
    for description, url in tags.links:
        id3.add(WXXX(encoding=1, desc=description, url=url))
    if tags.cover_png:
        id3.add(
            APIC(
                encoding=1,
                mime="image/png",
                type=PictureType.COVER_FRONT,
                desc="Cover",
                data=tags.cover_png,
            )
        )
    if tags.transcript:
        id3.add(USLT(encoding=1, lang=lang, desc="Transcript", text=tags.transcript))
    if chapters:
        ids = [f"chp{n:03d}" for n in range(len(chapters))]  # sorted ids keep frames in time order
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=1, text="Chapters")],
            )
        )
        for element_id, chapter in zip(ids, chapters, strict=True):
            sub = [TIT2(encoding=1, text=chapter.title)]
            sub += [
                WXXX(encoding=1, desc=f"Link {n}" if n > 1 else "Link", url=url)
                for n, url in enumerate(chapter.urls, 1)
            ]
            id3.add(
                CHAP(
                    element_id=element_id,
                    start_time=round(chapter.start * 1000),
                    end_time=round(chapter.end * 1000),
                    start_offset=NO_OFFSET,
                    end_offset=NO_OFFSET,
                    sub_frames=sub,
                )
            )
    id3.save(path, v2_version=3, v23_sep="/", padding=lambda info: 2048)
