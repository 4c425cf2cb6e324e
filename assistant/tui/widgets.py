"""The app's own widgets: level meter, session header, live transcript, draft panel.

Widgets only render what handlers give them; none of them starts a thread or
touches the disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from assistant.formats import turn_prefix
from assistant.notes.models import VERIFY_BELOW, VERIFY_FIELDS
from assistant.tui import strings as S
from assistant.tui.review import EvidenceSpan, Row, RowStatus
from assistant.tui.viewmodel import (
    display_value,
    format_clock,
    has_sensitive,
    mask_identifier_text,
    render_text,
)

if TYPE_CHECKING:
    from assistant.types import Segment

SPEAKER_STYLES = {"agent": "bold cyan", "usager": "bold magenta", "autre": "bold"}
"""How each role is shown before a segment in the transcript."""


class LevelMeter(Static):
    """A one-line audio level bar (0 to 1, on a loudness scale)."""

    level: reactive[float] = reactive(0.0)
    WIDTH = 24

    def render(self) -> Text:
        filled = round(max(0.0, min(1.0, self.level)) * self.WIDTH)
        style = "green" if self.level < 0.7 else ("yellow" if self.level < 0.9 else "red")
        bar = Text(f"{S.START_LEVEL} ")
        bar.append("█" * filled, style=style)
        bar.append("░" * (self.WIDTH - filled), style="dim")
        return bar


class SessionHeader(Static):
    """State, device, model, elapsed time and lag, on one line."""

    def show(self, state: str, device: str, model: str, elapsed_s: float,
             lag_s: float | None) -> None:
        lag = S.LAG_UNKNOWN if lag_s is None else f"{lag_s:.1f} s"
        self.update(S.HEADER_LINE.format(state=state, device=device, model=model,
                                         elapsed=format_clock(elapsed_s), lag=lag))
        self.set_class(state == S.STATE_LISTENING, "-listening")
        self.set_class(state == S.STATE_PAUSED, "-paused")


class TranscriptView(VerticalScroll, can_focus=True):
    """Committed segments with their times, then the tentative words, dimmed.

    It follows the end as text arrives while the view is at the end; once the
    agent scrolls back (or a field's evidence is shown) it stays put until the
    agent asks to follow again (``follow``) or scrolls back to the end.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._segments: dict[int, Segment] = {}
        self._highlighted: dict[int, list[EvidenceSpan]] = {}
        self._tentative = Static("", classes="tentative")
        self._placeholder = Static(S.TRANSCRIPT_EMPTY, classes="placeholder")
        self._revealed: set[int] = set()
        self.reveal_all = False

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._placeholder
        yield self._tentative

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(self._segments.values())

    @property
    def following(self) -> bool:
        return self.scroll_y >= self.max_scroll_y - 1

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.border_subtitle = "" if self.following else S.TRANSCRIPT_SCROLLED

    def add_segments(self, segments: Sequence[Segment]) -> None:
        new = [s for s in segments if s.id not in self._segments]
        if not new:
            return
        follow = self.following
        self._placeholder.display = False
        widgets = []
        for seg in new:
            self._segments[seg.id] = seg
            widgets.append(Static(self._render_segment(seg), id=f"seg-{seg.id}",
                                  classes="segment"))
        self.mount_all(widgets, before=self._tentative)
        if follow:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    def set_tentative(self, text: str) -> None:
        follow = self.following
        self._tentative.update(render_text(text, (), masked=not self.reveal_all,
                                           style="dim italic"))
        if text:
            self._placeholder.display = False
        if follow:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    def follow(self) -> None:
        self.scroll_end(animate=False, immediate=True)

    def highlight(self, evidence: Sequence[EvidenceSpan]) -> None:
        """Mark the evidence spans and bring the first into view (empty: clear)."""
        old = set(self._highlighted)
        self._highlighted = {}
        for span in evidence:
            self._highlighted.setdefault(span.segment_id, []).append(span)
        for seg_id in old | set(self._highlighted):
            seg = self._segments.get(seg_id)
            if seg is None:
                continue
            widget = self.query_one(f"#seg-{seg_id}", Static)
            widget.update(self._render_segment(seg))
            widget.set_class(seg_id in self._highlighted, "-evidence")
        if evidence and evidence[0].segment_id in self._segments:
            self.scroll_to_widget(self.query_one(f"#seg-{evidence[0].segment_id}"),
                                  animate=False, center=True)

    @property
    def highlighted_ids(self) -> tuple[int, ...]:
        return tuple(sorted(self._highlighted))

    def reveal(self, segment_ids: Sequence[int], shown: bool) -> None:
        """Show (or mask again) the sensitive numbers of these segments."""
        for seg_id in segment_ids:
            if shown:
                self._revealed.add(seg_id)
            else:
                self._revealed.discard(seg_id)
        self._rerender(segment_ids)

    def set_reveal_all(self, shown: bool) -> None:
        self.reveal_all = shown
        self._rerender(list(self._segments))

    def has_sensitive(self) -> bool:
        return any(has_sensitive(s.text) for s in self._segments.values())

    def _rerender(self, segment_ids: Sequence[int]) -> None:
        for seg_id in segment_ids:
            seg = self._segments.get(seg_id)
            if seg is not None:
                self.query_one(f"#seg-{seg_id}", Static).update(self._render_segment(seg))

    def _render_segment(self, seg: Segment) -> Text:
        marked = seg.id in self._highlighted
        line = Text("▶ " if marked else "", style="bold")
        line.append(f"[{format_clock(seg.start)}] ", style="dim")
        if seg.speaker:  # who said it, from the channels (capture.channels)
            line.append(turn_prefix(seg.speaker), style=SPEAKER_STYLES.get(seg.speaker, "bold"))
        spans = [(e.start, e.end) for e in self._highlighted.get(seg.id, ())]
        shown = self.reveal_all or seg.id in self._revealed
        line.append_text(render_text(seg.text, spans, masked=not shown))
        return line


class DraftPanel(OptionList):
    """The draft note, one row per value; highlighting a row shows its evidence."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.revealed: set[str] = set()
        self._rows: tuple[Row, ...] = ()

    @property
    def rows(self) -> tuple[Row, ...]:
        return self._rows

    async def _on_click(self, event: events.Click) -> None:
        """A click shows a row and its evidence; a double click edits it."""
        event.prevent_default()  # not OptionList's own click, which selects at once
        clicked = event.style.meta.get("option")
        if clicked is None or self.get_option_at_index(clicked).disabled:
            return
        self.highlighted = clicked
        if event.chain >= 2:
            self.action_select()

    def show_rows(self, rows: tuple[Row, ...]) -> None:
        keep = self.current_key
        if rows == self._rows:
            return
        self._rows = rows
        self.set_options([Option(self._row_text(r), id=r.key) for r in rows])
        if keep is not None:
            for i, r in enumerate(rows):
                if r.key == keep:
                    self.highlighted = i
                    break

    def refresh_rows(self) -> None:
        rows, self._rows = self._rows, ()
        self.show_rows(rows)

    @property
    def current_key(self) -> str | None:
        if self.highlighted is None or not self._rows:
            return None
        if self.highlighted >= len(self._rows):
            return None
        return self._rows[self.highlighted].key

    @property
    def current(self) -> Row | None:
        key = self.current_key
        return next((r for r in self._rows if r.key == key), None)

    def select_key(self, key: str) -> None:
        for i, r in enumerate(self._rows):
            if r.key == key:
                self.highlighted = i
                return

    def _row_text(self, row: Row) -> Text:
        mark = {
            RowStatus.ACCEPTED: (S.MARK_ACCEPTED, "green"),
            RowStatus.REJECTED: (S.MARK_REJECTED, "red"),
            RowStatus.EDITED: (S.MARK_EDITED, "cyan"),
            RowStatus.ADDED: (S.MARK_EDITED, "cyan"),
        }.get(row.status, (S.MARK_DRAFT, "dim"))
        text = Text()
        text.append(f"{mark[0]} ", style=mark[1])
        text.append(f"{S.FIELD_LABELS.get(row.field, row.field)} : ", style="bold")
        if row.status is RowStatus.EMPTY:
            text.append(S.FIELD_NONE, style="dim")
            return text
        if row.status is RowStatus.ASK_AGAIN:
            kind = S.IDENTIFIER_LABELS.get(row.value, row.value)
            text.append(f"{kind} {S.ASK_AGAIN}", style="bold yellow")
            return text
        style = "strike dim" if row.status is RowStatus.REJECTED else ""
        shown = display_value(row.field, row.value)
        if row.key in self.revealed:
            text.append(shown, style=style)
        elif row.field == "identifiers" and row.sensitive:
            kind = row.value.split(" ", 1)[0]
            masked = mask_identifier_text(row.value).split(" ", 1)[1]
            text.append(f"{S.IDENTIFIER_LABELS.get(kind, kind)} {masked}", style=style)
        else:
            text.append_text(render_text(shown, (), masked=True, style=style))
        if row.confidence is not None and row.status is RowStatus.DRAFT:
            text.append(f"  {S.CONFIDENCE.format(pct=round(row.confidence * 100))}", style="dim")
            if row.field in VERIFY_FIELDS and row.confidence < VERIFY_BELOW:
                text.append(f"  {S.TO_VERIFY}", style="bold yellow")
        return text
