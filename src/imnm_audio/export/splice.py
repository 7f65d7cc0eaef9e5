"""Join MP3 streams at frame boundaries into one gapless MP3, with a new Info frame.

The episode is the chapter files played one after the other. Encoding it once as
chapters and joining their frames, rather than encoding the whole episode again,
halves the encoder's work (docs/BENCHMARKS.md). For the join to be exact:

- every stream but the last is cut where its length, plus the encoder's delay and
  padding, is a whole number of frames (`encoder_overhead` measures how many output
  samples that is), so stream k+1's first real sample lands where it stood in the
  assembled episode: all chapter, subtitle and book timings stay exact;
- the samples each cut drops (26 ms at 44.1 kHz) lie in the silence before a chapter,
  and the encoder puts its own silence (delay and padding) in their place;
- a new stream starts with an empty bit reservoir (its first frame's main_data_begin
  is 0), so the joined frames decode as one stream (the LAME/Xing specification).

The Info frame is the one ffmpeg writes (mp3enc.c): frame and byte counts, the seek
table built the same way, the LAME tag's encoder delay and padding (for gapless
players), the music length and CRC-16 of the audio frames, and the tag's own CRC.
"""

from __future__ import annotations

import functools
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Layer III bit rates (kbit/s) by bit-rate index: MPEG-1, then MPEG-2 and 2.5.
_BITRATES = (
    (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
)
_RATES = (44100, 48000, 32000)
_TOC_SIZE = 100
_BAGS = 400  # ffmpeg's XING_NUM_BAGS
_XING_SIZE = 156  # tag through the LAME extension's CRC, from the "Info" string
_TAG_CRC_SPAN = 190  # ffmpeg computes the tag CRC over the frame's first 190 bytes


class SpliceError(ValueError):
    """The streams cannot be joined exactly (the caller encodes the whole instead)."""


@dataclass(frozen=True)
class FrameFormat:
    version: int  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    bitrate_index: int
    rate_index: int
    channel_mode: int

    @property
    def sample_rate(self) -> int:
        return _RATES[self.rate_index] >> {3: 0, 2: 1, 0: 2}[self.version]

    @property
    def samples_per_frame(self) -> int:
        return samples_per_frame(self.sample_rate)

    @property
    def mono(self) -> bool:  # stereo frames may switch between joint and plain stereo
        return self.channel_mode == 3

    @property
    def xing_offset(self) -> int:
        """Where a Xing/Info tag starts: after the header and the side information."""
        if self.version == 3:
            return 4 + (17 if self.mono else 32)
        return 4 + (9 if self.mono else 17)

    def frame_size(self, padded: bool) -> int:
        kbps = _BITRATES[self.version != 3][self.bitrate_index]
        per = 144 if self.version == 3 else 72
        return per * kbps * 1000 // self.sample_rate + int(padded)


def samples_per_frame(sample_rate: int) -> int:
    """Layer III: 1152 at MPEG-1's rates (32-48 kHz), 576 at MPEG-2 and 2.5's."""
    return 1152 if sample_rate >= 32000 else 576


def frame_in_input(rate: int, sample_rate: int) -> int | None:
    """One output frame in samples at the input rate, if it is a whole number of them."""
    span = samples_per_frame(sample_rate) * rate
    return span // sample_rate if span % sample_rate == 0 else None


def _header(data: bytes, pos: int) -> tuple[FrameFormat, int]:
    """The format and size of the Layer III frame at `pos`."""
    if pos + 4 > len(data):
        raise SpliceError(f"a frame header is cut off at byte {pos}")
    (word,) = struct.unpack_from(">I", data, pos)
    version, layer = word >> 19 & 3, word >> 17 & 3
    bitrate, rate = word >> 12 & 15, word >> 10 & 3
    if word >> 21 != 0x7FF or version == 1 or layer != 1 or bitrate in (0, 15) or rate == 3:
        raise SpliceError(f"no MPEG Layer III frame at byte {pos}")
    form = FrameFormat(version, bitrate, rate, word >> 6 & 3)
    return form, form.frame_size(bool(word >> 9 & 1))


@dataclass(frozen=True)
class Stream:
    """One encoded MP3 file: its Info frame and its audio frames."""

    format: FrameFormat
    info: bytes  # the whole Info (or Xing) frame
    audio: bytes  # every audio frame, as written
    frame_sizes: tuple[int, ...]

    @property
    def frames(self) -> int:
        return len(self.frame_sizes)

    def _field(self, offset: int, size: int) -> int:
        return int.from_bytes(self.info[offset : offset + size], "big")

    @property
    def _tag(self) -> int:
        return self.format.xing_offset

    @property
    def delay(self) -> int:
        return self._field(self._tag + 141, 3) >> 12

    @property
    def padding(self) -> int:
        return self._field(self._tag + 141, 3) & 0xFFF

    @property
    def music_crc(self) -> int:
        return self._field(self._tag + _XING_SIZE - 4, 2)

    @property
    def samples(self) -> int:
        """The stream's length in output samples, as a gapless player plays it."""
        return self.frames * self.format.samples_per_frame - self.delay - self.padding


def read_stream(data: bytes) -> Stream:
    """An untagged MP3 file as the encoder wrote it: an Info frame, then audio frames."""
    form, size = _header(data, 0)
    info = data[:size]
    tag = info[form.xing_offset : form.xing_offset + 4]
    if tag not in (b"Info", b"Xing") or len(info) < form.xing_offset + _XING_SIZE:
        raise SpliceError("the stream does not start with a Xing/Info frame and LAME tag")
    sizes = []
    pos, same = size, (form.version, form.rate_index, form.mono)
    while pos < len(data):
        frame, length = _header(data, pos)
        if (frame.version, frame.rate_index, frame.mono) != same:
            raise SpliceError(f"the frame at byte {pos} changes the stream's format")
        sizes.append(length)
        pos += length
    if pos != len(data):
        raise SpliceError("the last frame is cut off")
    stream = Stream(form, info, data[size:], tuple(sizes))
    if stream._field(form.xing_offset + 8, 4) != stream.frames:
        raise SpliceError("the Info frame's frame count does not match the stream")
    return stream


def splice(streams: list[Stream], samples: int) -> bytes:
    """The streams' audio frames one after the other, behind a new Info frame for the
    whole, which tells gapless players to play exactly `samples` output samples."""
    first = streams[0]
    for stream in streams[1:]:
        if stream.format != first.format or len(stream.info) != len(first.info):
            raise SpliceError("the streams were encoded with different settings")
        if stream.delay != first.delay:
            raise SpliceError("the streams have different encoder delays")
    sizes = [size for stream in streams for size in stream.frame_sizes]
    padding = len(sizes) * first.format.samples_per_frame - first.delay - samples
    if not 0 <= padding < 1 << 12:
        raise SpliceError(f"the joined stream would need {padding} samples of padding")
    info = bytearray(first.info)
    tag = first.format.xing_offset
    total = len(info) + sum(sizes)
    struct.pack_into(">II", info, tag + 8, len(sizes), total)
    info[tag + 16 : tag + 16 + _TOC_SIZE] = _toc(len(info), sizes)
    info[tag + 141 : tag + 144] = (first.delay << 12 | padding).to_bytes(3, "big")
    crc = 0
    for stream in streams:
        crc = crc16_combine(crc, stream.music_crc, len(stream.audio))
    struct.pack_into(">IHH", info, tag + _XING_SIZE - 8, total, crc, 0)
    struct.pack_into(">H", info, tag + _XING_SIZE - 2, crc16(bytes(info[:_TAG_CRC_SPAN])))
    return bytes(info) + b"".join(stream.audio for stream in streams)


def exact_length(data: bytes, samples: int) -> bytes:
    """An encoded stream whose Info frame tells gapless players to play exactly the
    `samples` output samples it was made from.

    ffmpeg's LAME encoder pads a last frame of fewer than 47 samples (after resampling)
    with silence and counts that silence as music, so a stream whose length is not a
    whole number of frames can play up to 46 samples too long. The audio frames are
    kept; only the Info frame's padding (and its CRC) is written again. A stream that
    is not longer than `samples`, or is not a stream with a LAME tag, is returned
    unchanged (a shorter one has no more sound to play)."""
    try:
        stream = read_stream(data)
        return splice([stream], samples) if stream.samples > samples else data
    except SpliceError:
        return data


def _toc(info_size: int, sizes: list[int]) -> bytes:
    """The Xing seek table: byte position (/256 of the file) at each percent of the frames,
    sampled into "bags" as ffmpeg's mp3 muxer does."""
    bags = [0] * _BAGS
    want, seen, pos, size = 1, 0, 0, info_size
    for frame in sizes:
        seen += 1
        size += frame
        if seen == want:
            bags[pos] = size
            pos += 1
            if pos == _BAGS:  # keep every second bag, then sample half as often
                bags[: _BAGS // 2] = bags[1::2]
                want *= 2
                pos = _BAGS // 2
            seen = 0
    toc = [0] + [min(256 * bags[i * pos // _TOC_SIZE] // size, 255) for i in range(1, _TOC_SIZE)]
    return bytes(toc)


# CRC-16/ARC (reflected polynomial 0x8005, initial value 0): the LAME tag's CRCs.
_POLY = 0xA001


@functools.cache
def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = crc >> 1 ^ _POLY if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


def crc16(data: bytes, crc: int = 0) -> int:
    table = _crc_table()
    for byte in data:
        crc = crc >> 8 ^ table[(crc ^ byte) & 0xFF]
    return crc


def _times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, column) for column in matrix]


def crc16_combine(crc_a: int, crc_b: int, length_b: int) -> int:
    """The CRC of A followed by B, from the CRCs of each and B's length (as zlib's
    crc32_combine does: A's CRC advanced through length_b zero bytes by repeated
    squaring of the one-zero-bit operator), without reading the bytes again."""
    odd = [_POLY] + [1 << n for n in range(15)]  # one zero bit
    even = _square(odd)  # two
    odd = _square(even)  # four
    while length_b:
        even = _square(odd)  # eight bits: one byte, then 2, 4, ... bytes
        if length_b & 1:
            crc_a = _times(even, crc_a)
        length_b >>= 1
        if not length_b:
            break
        odd = _square(even)
        if length_b & 1:
            crc_a = _times(odd, crc_a)
        length_b >>= 1
    return crc_a ^ crc_b


@functools.cache
def encoder_overhead(rate: int, bitrate_kbps: int, sample_rate: int, channels: int) -> int:
    """How many output samples the encoder adds to a stream whose length is a whole number
    of frames (its delay plus its least padding): measured once on silence, so a cut
    can drop exactly that much and the next stream lands where it stood."""
    from .mp3 import encode_mp3

    step = frame_in_input(rate, sample_rate)
    if step is None:
        raise SpliceError("a frame of the output is not a whole number of input samples")
    frames, per_frame = 40, samples_per_frame(sample_rate)
    length = frames * step
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.mp3"
        encode_mp3(
            np.zeros(length, dtype=np.int16),
            rate,
            path,
            bitrate_kbps=bitrate_kbps,
            sample_rate=sample_rate,
            channels=channels,
        )
        stream = read_stream(path.read_bytes())
    if stream.samples != frames * per_frame:
        raise SpliceError("the encoder's Info frame does not give the stream's length")
    return stream.frames * stream.format.samples_per_frame - frames * per_frame


SILENT = 32  # int16 peak (-60 dBFS) below which the samples a cut drops count as silence


def chapter_cuts(
    samples: np.ndarray,
    rate: int,
    starts: list[int],
    lead: int,
    *,
    bitrate_kbps: int,
    sample_rate: int,
    channels: int,
) -> list[tuple[int, int]] | None:
    """Where to cut the episode into chapter streams that join exactly.

    `starts` are the chapters' first words (samples at `rate`); each cut is `lead`
    samples or up to one frame more before it, on a frame boundary of the output.
    Returns each stream's (start, end) in samples: every stream but the last ends
    the encoder's overhead short of the next cut. None when the episode cannot be
    joined exactly (the output rate is not a whole multiple of a frame at the input
    rate, or a cut would drop sound): it is then encoded whole.
    """
    step = frame_in_input(rate, sample_rate)
    if step is None or (len(samples) * sample_rate) % rate:
        return None
    try:
        overhead = encoder_overhead(rate, bitrate_kbps, sample_rate, channels)
    except SpliceError:
        return None
    if (overhead * rate) % sample_rate:
        return None
    dropped = overhead * rate // sample_rate
    cuts = [0] + [max(0, start - lead) // step * step for start in starts[1:]]
    spans = []
    for begin, end in zip(cuts, [*cuts[1:], len(samples) + dropped], strict=True):
        end -= dropped
        if (
            end <= begin
            or np.abs(samples[end : end + dropped].astype(np.int32)).max(initial=0) > SILENT
        ):
            return None
        spans.append((begin, end))
    return spans


def output_samples(samples: int, rate: int, sample_rate: int) -> int:
    return samples * sample_rate // rate


def join_chapters(
    streams: list[Stream], spans: list[tuple[int, int]], rate: int, sample_rate: int
) -> bytes:
    """The episode from its chapter streams (cut at `spans` by `chapter_cuts`), checked
    first: each stream but the last must fill its span and the dropped samples to the
    frame, so every chapter starts where it stood in the assembled episode."""
    for stream, (begin, _), (following, _) in zip(streams, spans, spans[1:], strict=False):
        filled = stream.frames * stream.format.samples_per_frame
        if filled != output_samples(following - begin, rate, sample_rate):
            raise SpliceError("a chapter stream does not end on the next one's first frame")
    return splice(streams, output_samples(spans[-1][1], rate, sample_rate))
