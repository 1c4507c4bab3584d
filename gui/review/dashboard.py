"""Agreement dashboard: the core report's plots (matplotlib, rendered to PNG, shown as pixmaps),
headline figures, and the per-document list worst first. Saves itself as a PNG and the same
report as standalone HTML. With a job runner the report and its plots are computed in a child
process (the window's process only waits on a pipe), with progress and Cancel in this window."""
from __future__ import annotations

from html import escape
from typing import Any, Sequence

from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QSizePolicy, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from annotation.agreement import FEW_ITEMS, compute_agreement, thin_figure
from annotation.agreement.plots import confusion_png, documents_png, label_f1_png
from annotation.jobs import Progress
from annotation.process_job import in_child_process
from annotation.errors import GoldspanError
from gui import file_dialogs  # never reads the listed files (the open project among them)
from gui.session import Session


def _num(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}"


WARNING_COLOR = "#b45309"  # amber, readable on the light window background


def _thin(report: dict[str, Any], key: str) -> str:
    """Rich text beside a figure that rests on too few items (core: annotation.agreement)."""
    note = thin_figure(report, key)
    if note is None:
        return ""
    return f' <b style="color:{WARNING_COLOR}">⚠ too few to trust: {escape(note, quote=False)}</b>'


JOB_TITLE = "Agreement"
PLOTS_JOB = "annotation.agreement.plots:report_and_plots_job"


class _ProgressRelay(QObject):
    """Carries the job's progress from the worker to the dashboard (a queued signal)."""

    progress = Signal(object)  # Progress


def pixmap(png: bytes) -> QPixmap:
    image = QPixmap()
    image.loadFromData(png, "PNG")
    return image


class FittedPixmap(QWidget):
    """A plot that fits the width it is given: drawn at its natural size when there is room,
    scaled down (aspect kept, smoothly) when there is not, never up. Its height follows its
    width, so a narrower window makes the plots shorter rather than cut on the right (the
    plots are PNGs drawn by the job in a child process: redrawing them per resize would not do)."""

    MIN_WIDTH = 160  # below this a plot is unreadable: the window scrolls instead

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        policy = QSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def setPixmap(self, image: QPixmap) -> None:  # noqa: N802 (QLabel's name, which this stands in for)
        self._pixmap = image
        self.updateGeometry()
        self.update()

    def pixmap(self) -> QPixmap:
        """The plot at its natural size (as drawn by matplotlib)."""
        return self._pixmap

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, 0) if self._pixmap.isNull() else self._pixmap.size()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        if self._pixmap.isNull():
            return QSize(0, 0)
        width = min(self._pixmap.width(), self.MIN_WIDTH)
        return QSize(width, self.heightForWidth(width))

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return not self._pixmap.isNull()

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        natural_width, natural_height = self._pixmap.width(), self._pixmap.height()
        if natural_width <= 0 or width >= natural_width:
            return natural_height
        return -(-natural_height * width // natural_width)  # rounded up: never a pixel row short

    def shown_rect(self) -> QRect:
        """Where the plot is drawn: at the top left, as large as fits and no larger than natural."""
        natural_width, natural_height = self._pixmap.width(), self._pixmap.height()
        if natural_width <= 0 or natural_height <= 0:
            return QRect()
        scale = min(1.0, self.width() / natural_width, self.height() / natural_height)
        return QRect(0, 0, round(natural_width * scale), round(natural_height * scale))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        if self._pixmap.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(self.shown_rect(), self._pixmap)
        painter.end()


class AgreementDashboard(QWidget):
    document_requested = Signal(int)  # double-click on a document row

    def __init__(self, session: Session, annotators: Sequence[str] | None = None, parent: QWidget | None = None,
                 jobs: object = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.session = session
        self.annotators = list(annotators) if annotators else None
        self.jobs = jobs  # a gui.workers.JobRunner, when the caller has one: the report is computed on a worker
        if jobs is not None:
            jobs.failed.connect(self._job_failed)  # type: ignore[attr-defined]
        self.report: dict[str, Any] | None = None
        self.plots: dict[str, Any] | None = None  # PNGs drawn by the job: f1, documents, confusion[target]
        self.computing = False  # the job runs (on the runner's worker; the window stays live)
        self._relay = _ProgressRelay(self)
        self._relay.progress.connect(self._progress)
        self.setWindowTitle("Goldspan — agreement")
        self.summary = QLabel("Computing agreement…")
        # rich text so a figure's warning stands out beside it; everything from the project is escaped
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.f1_plot, self.confusion_plot, self.documents_plot = FittedPixmap(), FittedPixmap(), FittedPixmap()
        self.target = QComboBox()  # which stance target the heatmap shows
        self.target.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # targets come after first show
        self.target.currentIndexChanged.connect(lambda _i: self._draw_confusion())
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["document", "score", "F1 exact", "F1 overlap", "stance", "spans"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.cellDoubleClicked.connect(self._row_activated)
        save_png = QPushButton("Save as PNG…")
        save_png.clicked.connect(self.save_png_dialog)
        save_html = QPushButton("Save HTML report…")
        save_html.clicked.connect(self.save_html_dialog)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        self.refresh_button = refresh
        # progress of the computation, in the window itself (no modal dialog: the window stays usable)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        buttons = QHBoxLayout()
        for button in (refresh, save_png, save_html):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.progress)
        buttons.addWidget(self.cancel_button)
        # The per-label bars grow with the labels and get a row of their own; the heatmap (with its
        # target) sits beside the worst documents. Every plot fits the width it gets (FittedPixmap):
        # the window scrolls down, never sideways to find the heatmap.
        heatmap = QVBoxLayout()
        target_row = QHBoxLayout()
        target_row.addWidget(QLabel("Stance target:"))
        target_row.addWidget(self.target)
        target_row.addStretch(1)
        heatmap.addLayout(target_row)
        heatmap.addWidget(self.confusion_plot)
        heatmap.addStretch(1)
        lower = QHBoxLayout()
        lower.addLayout(heatmap)
        lower.addWidget(self.documents_plot, 0, Qt.AlignmentFlag.AlignTop)
        lower.addStretch(1)
        upper = QHBoxLayout()
        upper.addWidget(self.f1_plot)
        upper.addStretch(1)
        self.content = QWidget()
        content_layout = QVBoxLayout(self.content)
        content_layout.addWidget(self.summary)
        content_layout.addLayout(upper)
        content_layout.addLayout(lower)
        content_layout.addWidget(self.table, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.content)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(scroll, 1)
        self.resize(1000, 800)

    def refresh(self) -> None:
        """Recompute: on a worker when a JobRunner was given and the project is a file (the
        report and its plots; progress and Cancel in this window, which stays live), else here."""
        store = self.session.store
        names = self.annotators
        if self.jobs is not None and store.path is not None:
            if self.computing:
                return
            relay = self._relay

            def job(worker, token):  # type: ignore[no-untyped-def]
                # in a child process: the worker thread only waits on a pipe, which needs no GIL
                inner = in_child_process(worker, PLOTS_JOB, {"annotators": names}, cancel=token)
                try:
                    while True:
                        progress = next(inner)
                        relay.progress.emit(progress)  # queued to the window's thread
                        yield progress
                except StopIteration as stop:
                    return stop.value

            if self.jobs.start(JOB_TITLE, store, job, show_dialog=False, on_done=self._job_done):  # type: ignore[attr-defined]
                self._computing(True)
                self.summary.setText("Computing agreement…")
            return
        try:
            self.show_report(compute_agreement(store, names))
        except GoldspanError as exc:
            self.show_error(str(exc))

    def cancel(self) -> None:
        """Stop the computation (between its steps); the figures shown before stay."""
        if self.computing:
            self.jobs.cancel()  # type: ignore[attr-defined]

    def _computing(self, running: bool) -> None:
        self.computing = running
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.refresh_button.setEnabled(not running)
        if running:
            self.progress.setValue(0)
            self.progress.setFormat("Computing agreement… %p%")

    def _progress(self, progress: Progress) -> None:
        if self.computing:
            self.progress.setValue(int(progress.fraction * 1000))
            self.progress.setFormat(f"{progress.message or 'Computing agreement'}… %p%")

    def _job_done(self, result: tuple[dict[str, Any], dict[str, Any]]) -> None:
        self._computing(False)
        report, plots = result
        self.show_report(report, plots)

    def _job_failed(self, title: str, message: str) -> None:
        if title != JOB_TITLE:
            return
        self._computing(False)
        if message.startswith("Cancelled") and self.report is not None:
            return  # the figures shown before stay
        self.show_error("Agreement not computed: cancelled." if message.startswith("Cancelled") else message)

    def show_error(self, message: str) -> None:
        self.report = None
        self.plots = None
        self.summary.setText(escape(message, quote=False))

    def show_report(self, report: dict[str, Any], plots: dict[str, Any] | None = None) -> None:
        """Show a report; ``plots``: its PNGs drawn already (by the job), else drawn here."""
        self.report = report
        self.plots = plots
        lines = [f"Annotators: {escape(', '.join(report['annotators']), quote=False)}"]
        for target, s in report["stance"].items():
            lines.append(f"Stance {escape(target, quote=False)}: {s['n_items']} comments — Cohen's κ {_num(s['cohen_kappa'])}, "
                         f"Fleiss' κ {_num(s['fleiss_kappa'])}, Krippendorff's α {_num(s['krippendorff_alpha'])}"
                         + _thin(report, f"stance.{target}"))
        for layer in ("entity", "quote"):
            f = report["spans_overall"][layer]
            lines.append(f"{layer.capitalize()} spans: F1 exact {_num(f['f1_exact'])}, overlap {_num(f['f1_overlap'])} "
                         f"({f['n_a']} vs {f['n_b']} spans)" + _thin(report, f"spans.{layer}"))
        sources = report["quote_sources"]
        lines.append(f"Quote sources agree: {_num(sources['agreement'])} ({sources['same_source']} of "
                     f"{sources['matched_quotes']} matched quotations)" + _thin(report, "quote_sources"))
        for warning in report.get("warnings", []):
            if "not in common" in warning:  # the figures' own warnings stand beside them above
                lines.append(f'<span style="color:{WARNING_COLOR}">⚠ {escape(warning, quote=False)}</span>')
        self.summary.setText("<br>".join(lines))
        self.summary.setToolTip(f"A figure resting on fewer than {FEW_ITEMS} items is marked ⚠: "
                                "one item more or less moves it a lot, so read it as a rough indication only.")
        self.f1_plot.setPixmap(pixmap(plots["f1"] if plots else label_f1_png(report)))
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem("all targets", None)
        for target in report["stance"]:
            self.target.addItem(target, target)
        self.target.blockSignals(False)
        self._draw_confusion()
        self.documents_plot.setPixmap(pixmap(plots["documents"] if plots else documents_png(report)))
        docs = report["documents"]
        self.table.setRowCount(len(docs))
        for row, d in enumerate(docs):
            name = QTableWidgetItem(f"{d['ext_id']} — {d['title']}")
            name.setData(Qt.ItemDataRole.UserRole, d["document_id"])
            self.table.setItem(row, 0, name)
            for column, key in enumerate(("score", "f1_exact", "f1_overlap", "stance_agreement"), 1):
                self.table.setItem(row, column, QTableWidgetItem(_num(d[key])))
            stance = self.table.item(row, 4)
            stance.setToolTip(f"over {d['n_stance_items']} comment(s) labelled by two or more annotators")
            self.table.setItem(row, 5, QTableWidgetItem(str(d["n_spans"])))
        self.table.resizeColumnsToContents()

    def _draw_confusion(self) -> None:
        if self.report is not None:
            target = self.target.currentData()
            drawn = (self.plots or {}).get("confusion", {}).get(target)
            self.confusion_plot.setPixmap(pixmap(drawn if drawn is not None else confusion_png(self.report, target)))

    def _row_activated(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.document_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def save_png(self, path: str) -> bool:
        return self.content.grab().save(path, "PNG")

    def save_png_dialog(self) -> None:
        path = file_dialogs.get_save_file_name(self, "Save dashboard", "agreement.png", "PNG images (*.png)")
        if path:
            self.save_png(path)

    def save_html_dialog(self) -> None:
        if self.report is None:
            return
        path = file_dialogs.get_save_file_name(self, "Save agreement report", "agreement.html", "HTML (*.html)")
        if path:
            from annotation.agreement.html import write_html

            write_html(self.report, path)
