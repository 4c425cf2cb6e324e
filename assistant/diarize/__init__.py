"""Who said it on one microphone (issue #15, part 2): pyannote segmentation-3.0 and a voice
encoder, both from packages, run on the CPU; the decisions in ``core`` (pure)."""
