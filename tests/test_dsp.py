"""The numpy filters of dsp.py against the scipy.signal functions they replace."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, firwin, lfilter, resample_poly, sosfiltfilt, sosfreqz

from imnm_audio import dsp
from imnm_audio.export import hold
from imnm_audio.loudness import _k_weighting


def _speechlike(rate: int, seconds: float, seed: int = 1) -> np.ndarray:
    """Noise bursts with syllable-like envelopes, quiet at both ends, in [-1, 1]."""
    rng = np.random.default_rng(seed)
    n = int(rate * seconds)
    t = np.arange(n) / rate
    envelope = np.clip(np.sin(2 * np.pi * 3.1 * t), 0, None) ** 2
    envelope[: rate // 4] = envelope[-rate // 4 :] = 0
    return 0.3 * envelope * rng.standard_normal(n)


def _cascade(sections, x):  # type: ignore[no-untyped-def]
    for b, a in sections:
        x = lfilter(b, a, x)
    return x


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 48000])
def test_an_impulse_response_is_the_filters_and_is_cut_where_it_no_longer_matters(
    rate: int,
) -> None:
    sections = _k_weighting(rate)
    h = dsp.impulse_response(sections)
    impulse = np.zeros(len(h) * 2)
    impulse[0] = 1
    reference = _cascade(sections, impulse)
    assert np.abs(h - reference[: len(h)]).max() < 1e-12
    assert np.abs(reference[len(h) :]).sum() < 1e-9  # what is cut off
    assert np.abs(reference[len(h) - 50 : len(h)]).sum() > 1e-13  # and not much more


def test_the_p56_smoother_is_two_one_pole_filters() -> None:
    g = np.exp(-1 / (8000 * 0.03))
    h = dsp.smoothing(8000, 0.03)
    n = np.arange(len(h))
    assert np.abs(h - (1 - g) ** 2 * (n + 1) * g**n).max() < 1e-12
    x = np.abs(_speechlike(8000, 3.0))
    reference = lfilter([1 - g], [1, -g], lfilter([1 - g], [1, -g], x))
    assert np.abs(dsp.convolve(x, h) - reference).max() < 1e-9


@pytest.mark.parametrize("slices", [[1 << 14, 1 << 14, 5000], [3 * 4096 + 17]])
def test_convolving_slice_by_slice_is_the_recursive_filter_over_the_whole(
    slices: list[int],
) -> None:
    rate = 22050
    x = _speechlike(rate, sum(slices) / rate, seed=2) + 0.01  # an offset, as DC
    convolver = dsp.Convolver(dsp.impulse_response(_k_weighting(rate)))
    out, first = [], 0
    for size in slices:
        out.append(convolver(x[first : first + size].astype(np.float32)))
        first += size
    reference = _cascade(_k_weighting(rate), x)
    assert np.abs(np.concatenate(out) - reference).max() < 1e-5 * np.abs(reference).max()


@pytest.mark.parametrize(("cutoff", "order", "highpass"), [(300, 6, True), (7000, 10, False)])
def test_the_butterworth_power_response_is_scipys_design(
    cutoff: float, order: int, highpass: bool
) -> None:
    freqs = np.linspace(0, 8000, 401)
    sos = butter(order, cutoff, btype="highpass" if highpass else "lowpass", fs=16000, output="sos")
    _, response = sosfreqz(sos, freqs, fs=16000)
    power = dsp.butterworth_power(freqs, 16000, cutoff, order, highpass)
    assert np.abs(power - np.abs(response) ** 2).max() < 1e-9


@pytest.mark.parametrize("rate", [22050, 24000, 16000])
def test_resampling_and_band_filtering_in_one_fft_is_resample_poly_then_sosfiltfilt(
    rate: int,
) -> None:
    x = _speechlike(rate, 2.3, seed=3)
    (ours,) = dsp.spectral(x, rate, 16000, [lambda f: hold._band(f, hold.NARROW_BAND)])
    x16 = resample_poly(x, 16000, rate) if rate != 16000 else x
    low = butter(6, 300, btype="highpass", fs=16000, output="sos")
    high = butter(10, 3400, btype="lowpass", fs=16000, output="sos")
    reference = sosfiltfilt(high, sosfiltfilt(low, x16))
    assert len(ours) == len(reference)
    error = np.sqrt(np.mean((ours - reference) ** 2) / np.mean(reference**2))
    assert error < 10 ** (-45 / 20)  # the two resamplers' filters differ only near 8 kHz
    (halved,) = dsp.spectral(reference, 16000, 8000, [None])
    expected = resample_poly(reference, 1, 2)
    assert len(halved) == len(expected)
    error = np.sqrt(np.mean((halved - expected) ** 2) / np.mean(expected**2))
    assert error < 10 ** (-45 / 20)


def test_the_kaiser_lowpass_is_firwins() -> None:
    reference = firwin(81, 0.25, window=("kaiser", 5.0))
    assert np.abs(dsp.kaiser_lowpass(81, 0.25, 5.0) - reference).max() < 1e-15


def test_a_fast_length_is_the_next_number_made_of_twos_threes_and_fives() -> None:
    def smooth(n: int) -> bool:
        for p in (2, 3, 5):
            while n % p == 0:
                n //= p
        return n == 1

    for n in range(1, 3000):
        length = dsp.fast_length(n)
        assert length >= n and smooth(length)
        assert not any(smooth(m) for m in range(n, length))
