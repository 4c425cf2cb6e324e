"""assistant: offline speech-to-text for French public-service counters."""

__version__ = "0.1.0"
