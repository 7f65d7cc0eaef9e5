"""The few filters the build needs, in numpy alone.

scipy.signal takes half a second and 80 MB to import, more than a one-sentence
edit spends on all its audio, and the build used five of its functions. Each one
is replaced here by what it computes, checked against scipy in tests/test_dsp.py:

- a recursive filter that dies away (K-weighting, P.56's envelope) is convolved with
  its impulse response, cut where what is left of it sums to under 1e-10: the same
  output to within float rounding, by FFT, a slice at a time;
- a forward-backward (zero-phase) Butterworth filter multiplies the spectrum by the
  filter's power response |H|^2, which is what filtering forwards and backwards
  does, and resampling keeps the spectrum's lower part; both in one FFT;
- a Kaiser-window low-pass (scipy's firwin) is the windowed sinc it is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
from numpy.polynomial import polynomial as P

TAIL = 1e-10  # an impulse response is cut where the sum of what is left falls below this


def impulse_response(sections: Sequence[tuple[Sequence[float], Sequence[float]]]) -> np.ndarray:
    """The impulse response of cascaded recursive sections (b, a), as long as it matters.

    Worked out from the frequency response on a grid twice as long as the part kept, so
    what wraps round (the response past the grid) is below TAIL too. Every pole must be
    inside the unit circle.
    """
    size = 4096
    while size <= 1 << 24:
        delay = np.exp(-2j * np.pi * np.arange(size // 2 + 1) / size)  # z^-1 on the circle
        response = np.ones(len(delay), dtype=complex)
        for b, a in sections:
            response *= P.polyval(delay, np.asarray(b, float)) / P.polyval(
                delay, np.asarray(a, float)
            )
        h = np.fft.irfft(response, size)
        tail = np.cumsum(np.abs(h[::-1]))[::-1]
        if tail[size // 2] < TAIL:
            return h[: int(np.argmax(tail < TAIL))]
        size *= 2
    raise ValueError("the filter does not die away")


class Convolver:
    """Convolution with a fixed impulse response, fed a slice at a time (the tail of
    each slice's output carries into the next): overlap-add with FFTs of blocks."""

    def __init__(self, h: np.ndarray, dtype: type = np.float32) -> None:
        self.block = max(4096, 1 << int(np.ceil(np.log2(max(len(h) - 1, 1)))))
        self.dtype = dtype
        self.spectrum = np.fft.rfft(h.astype(dtype), 2 * self.block)
        self.carry = np.zeros(self.block, dtype=dtype)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The output for the next `len(x)` input samples (a slice that is not a whole
        number of blocks must be the last)."""
        size = self.block
        count = -(-len(x) // size)
        padded = np.zeros(count * size, dtype=self.dtype)
        padded[: len(x)] = x
        blocks = np.fft.irfft(
            np.fft.rfft(padded.reshape(count, size), 2 * size, axis=1) * self.spectrum,
            2 * size,
            axis=1,
        )
        out = blocks[:, :size]
        out[0] += self.carry
        out[1:] += blocks[:-1, size:]
        self.carry = blocks[-1, size:].copy()
        return out.reshape(-1)[: len(x)]


def convolve(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The first len(x) samples of x convolved with h (what a causal filter gives)."""
    if len(x) == 0:
        return np.zeros(0, dtype=x.dtype)
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    size = fast_length(len(x) + len(h) - 1)
    return np.fft.irfft(
        np.fft.rfft(x.astype(dtype, copy=False), size) * np.fft.rfft(h.astype(dtype), size), size
    )[: len(x)]


@functools.cache
def smoothing(rate: int, seconds: float) -> np.ndarray:
    """Two one-pole smoothers of time constant `seconds` in cascade (ITU-T P.56's
    envelope, b = [1 - g], a = [1, -g], twice), as an impulse response."""
    g = float(np.exp(-1.0 / (rate * seconds)))
    return impulse_response([([1 - g], [1, -g])] * 2)


def fast_length(n: int) -> int:
    """The smallest number at least n whose only prime factors are 2, 3 and 5."""
    best = 1 << int(np.ceil(np.log2(max(n, 1))))
    f5 = 1
    while f5 < best:
        f35 = f5
        while f35 < best:
            f = f35
            while f < n:
                f *= 2
            best = min(best, f)
            f35 *= 3
        f5 *= 5
    return best


def butterworth_power(
    freqs: np.ndarray, rate: int, cutoff: float, order: int, highpass: bool
) -> np.ndarray:
    """|H|^2 of scipy's butter(order, cutoff, fs=rate) (bilinear, pre-warped) at `freqs`."""
    with np.errstate(divide="ignore", over="ignore"):
        ratio = np.tan(np.pi * np.minimum(freqs, rate / 2) / rate) / np.tan(np.pi * cutoff / rate)
        if highpass:
            ratio = 1 / ratio
        return 1 / (1 + ratio ** (2 * order))


@functools.cache
def _plan(length: int, rate: int, out_rate: int, pad: int) -> tuple[int, int]:
    """FFT sizes (in, out) for resampling `length` samples with `pad` zeros after them:
    both whole, in the ratio of the rates, and quick to transform."""
    g = np.gcd(rate, out_rate)
    step_in, step_out = rate // g, out_rate // g
    count = fast_length(-(-(length + pad) // step_in))
    return count * step_in, count * step_out


def spectral(
    x: np.ndarray,
    rate: int,
    out_rate: int,
    responses: Sequence[Callable[[np.ndarray], np.ndarray] | None],
    pad_s: float = 0.5,
) -> list[np.ndarray]:
    """`x` resampled to `out_rate` and filtered, once for each of `responses` (a function
    from frequencies in Hz to the gain there, or None for none), in one forward FFT.

    Zero-phase: each response multiplies the spectrum. `pad_s` seconds of zeros after
    the signal take what the filters spread past its ends; the output has
    ceil(len(x) * out_rate / rate) samples, as scipy's resample_poly gives.
    """
    pad = int(pad_s * rate)
    size_in, size_out = _plan(len(x), rate, out_rate, pad)
    spectrum = np.fft.rfft(x, size_in)
    bins = min(len(spectrum), size_out // 2 + 1)
    kept = spectrum[:bins] * (size_out / size_in)
    if size_out % 2 == 0 and bins == size_out // 2 + 1:
        kept[-1] = 0  # nothing at the new Nyquist frequency: it has no phase to keep
    length = -(-len(x) * out_rate // rate)
    freqs = np.arange(bins) * (rate / size_in)
    out = []
    for response in responses:
        shaped = kept if response is None else kept * response(freqs)
        out.append(np.fft.irfft(shaped, size_out)[:length])
    return out


def kaiser_lowpass(taps: int, cutoff: float, beta: float) -> np.ndarray:
    """scipy's firwin(taps, cutoff, window=("kaiser", beta)): cutoff relative to Nyquist,
    unit gain at 0 Hz."""
    m = np.arange(taps) - (taps - 1) / 2
    h = cutoff * np.sinc(cutoff * m) * np.kaiser(taps, beta)
    return h / h.sum()
