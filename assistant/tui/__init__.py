"""The counter app (Textual): start screen, live session, review, confirm.

Importing this package imports nothing heavy; ``assistant.tui.app`` pulls in
Textual, and the model and the audio device are opened only in worker threads.
"""
