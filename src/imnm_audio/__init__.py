"""imnm-audio: turn patient factsheets into accessible audio."""

__version__ = "0.1.0"
