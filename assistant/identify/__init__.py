"""Identifiers said aloud: their kinds and checks, reading them exactly, and
reading them again from the audio (the second look and the capture mode)."""
