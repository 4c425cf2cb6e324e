"""The app's screens, one module each. The start screen and the dialogs are
light; the session screen (numpy, the notes models) is imported when the first
appointment opens, after the first frame."""
