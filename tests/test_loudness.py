"""The in-process BS.1770 meter agrees with pyloudnorm; the limiter keeps peaks down."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from imnm_audio.loudness import integrated_loudness, limit_peaks, true_peak_db


def speechlike(rate: int, seconds: float = 20.0) -> np.ndarray:
    rng = np.random.default_rng(1)
    t = np.arange(int(rate * seconds)) / rate
    envelope = (np.sin(2 * np.pi * 0.7 * t) > 0).astype(float) * (0.3 + 0.2 * np.sin(t))
    return envelope * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.normal(size=len(t)) * envelope


@pytest.mark.parametrize("rate", [16000, 22050, 44100, 48000])
def test_integrated_loudness_matches_pyloudnorm(rate: int) -> None:
    x = speechlike(rate)
    assert abs(integrated_loudness(x, rate) - pyloudnorm.Meter(rate).integrated_loudness(x)) < 0.01


def test_silence_has_no_loudness() -> None:
    assert integrated_loudness(np.zeros(44100), 44100) == -np.inf


def test_true_peak_sees_peaks_between_samples() -> None:
    rate = 22050
    near_nyquist = 0.5 * np.sin(2 * np.pi * 11000 / rate * np.arange(2000) + 0.7)
    reference = 20 * np.log10(np.abs(resample_poly(near_nyquist, 4, 1)).max())
    assert abs(true_peak_db(near_nyquist) - reference) < 0.05
    assert true_peak_db(near_nyquist) > 20 * np.log10(np.abs(near_nyquist).max())


def test_true_peak_finds_a_peak_in_the_last_of_many_hot_windows() -> None:
    # Compressed phone audio is loud almost everywhere: thousands of windows to oversample,
    # taken a batch at a time; the one peak between samples sits in the last batch.
    rate = 8000
    loud = 0.45 * np.sin(2 * np.pi * 200 / rate * np.arange(rate * 30))
    quarter_rate = 0.7 * np.sin(np.pi / 2 * np.arange(400) + np.pi / 4)  # samples at 0.49
    x = np.concatenate([loud, quarter_rate])
    reference = 20 * np.log10(np.abs(resample_poly(quarter_rate, 4, 1)).max())
    assert len(x) // 64 > 2048  # more than one batch
    assert abs(true_peak_db(x) - reference) < 0.05
    assert true_peak_db(x) > 20 * np.log10(np.abs(quarter_rate).max())


def test_limiter_keeps_true_peaks_under_the_limit_and_leaves_quiet_parts() -> None:
    rate = 22050
    loud = speechlike(rate, 5.0) * 3.0
    quiet = speechlike(rate, 5.0) * 0.1
    x = np.concatenate([loud, np.zeros(rate), quiet])
    y = limit_peaks(x, rate, 10 ** (-3 / 20))
    assert true_peak_db(y) <= -3.0
    tail = slice(len(loud) + rate, None)
    assert np.allclose(y[tail], x[tail], atol=1e-6)


def test_int16_samples_are_measured_against_their_full_scale() -> None:
    rate = 22050
    x = speechlike(rate, 30.0) * 0.5  # 30 s: several slices of the meter
    pcm = np.round(x * 32768).astype(np.int16)
    reference = pyloudnorm.Meter(rate).integrated_loudness(pcm / 32768.0)
    assert abs(integrated_loudness(pcm, rate, full_scale=32768.0) - reference) < 0.01


def _limit_whole(y: np.ndarray, rate: int, limit: float) -> np.ndarray:
    """The limiter's pass worked on the whole array at once, as it was first written."""
    from scipy.ndimage import maximum_filter1d, minimum_filter1d, uniform_filter1d

    window = max(3, rate * 5 // 1000)
    gain = maximum_filter1d(np.abs(y), size=2 * window + 1)
    gain = np.minimum(limit * 0.95 / np.maximum(gain, 1e-9), 1.0)
    gain = uniform_filter1d(minimum_filter1d(gain, size=2 * window + 1), size=window)
    return y * gain


def test_a_single_pass_over_the_loud_regions_equals_the_whole_pass() -> None:
    from imnm_audio.loudness import CHUNK, REGION_GAP, _limit_once

    rate = 22050
    y = speechlike(rate, 40.0) * 0.2
    window = rate * 5 // 1000
    burst = 0.9 * np.sin(np.arange(2 * window) * 0.3)
    # Loud bursts at both ends, across slice edges, and in pairs at distances around
    # each place where the limiter's reach and context end, and around the distance
    # that puts two bursts in one region.
    starts = [0, len(y) - len(burst), (1 << 18) - window, (2 << 18) - 4 * window]
    for gap in (3 * window, 6 * window, 9 * window, 12 * window, REGION_GAP):
        for near in (gap - 1, gap + 1):
            base = len(starts) * (CHUNK >> 3)
            starts += [base, base + len(burst) + near]
    for start in starts:
        y[start : start + len(burst)] = burst
    before = y.copy()
    expected = _limit_whole(y, rate, 0.5)
    assert np.allclose(_limit_once(y, rate, 0.5), expected, atol=1e-12)
    assert np.array_equal(y, before)  # not in place: the samples given are left alone
    # In place, each region must still see its neighbours' samples as they were.
    assert _limit_once(y, rate, 0.5, in_place=True) is y
    assert np.allclose(y, expected, atol=1e-12)
    quiet = speechlike(rate, 5.0) * 0.1
    assert limit_peaks(quiet, rate, 0.5) is quiet  # nothing near the limit: not even copied


@pytest.mark.parametrize("length", [50, 1000, 64 * 300 + 17])
def test_oversampling_by_matrix_matches_resample_poly(length: int) -> None:
    x = np.random.default_rng(length).normal(size=length) * 0.3
    reference = 20 * np.log10(max(np.abs(x).max(), np.abs(resample_poly(x, 4, 1)).max()))
    assert abs(true_peak_db(x) - reference) < 0.001


def test_short_term_loudness_agrees_with_pyloudnorm_on_each_3_second_window() -> None:
    import pyloudnorm

    from imnm_audio.loudness import short_term_loudness

    rate = 22050
    rng = np.random.default_rng(7)
    t = np.arange(rate * 10) / rate
    x = 0.1 * np.sin(2 * np.pi * 440 * t) * (1 + np.sin(2 * np.pi * 0.2 * t)) / 2
    x += 0.01 * rng.standard_normal(len(x))
    curve = short_term_loudness(x, rate)
    assert [round(c, 1) for c, _ in curve[:3]] == [1.5, 2.0, 2.5] and len(curve) == 14
    meter = pyloudnorm.Meter(rate, block_size=3.0)
    for middle, value in curve:
        block = x[int((middle - 1.5) * rate) : int((middle + 1.5) * rate)]
        assert value == pytest.approx(meter.integrated_loudness(block), abs=0.05)
