"""The base of the key-evaluation wizard's steps: 下一步 (or 完成) first runs the step's service call in the
background; the wizard moves on when it succeeds (after reloading the evaluation), and a refusal is shown in
place on the step where it happened, with the focus on the field it names."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QWidget, QWizardPage

from core.common.errors import USER_ERRORS
from desktop.shell.errors import show_error

if TYPE_CHECKING:
    from desktop.pages.evaluation.key_evaluation_wizard import KeyEvaluationWizard


class StepPage(QWizardPage):
    def __init__(self, wizard: KeyEvaluationWizard, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.wiz = wizard
        self.ctx = wizard.ctx
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.message = QLabel("", self)
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.fields: dict[str, QWidget] = {}  # service field name → widget to focus when it is refused
        self._passed = False

    def validatePage(self) -> bool:
        if self._passed:
            self._passed = False
            return True
        if not self.wiz.busy:
            self.message.setText("")
            self.submit()
        return False

    def submit(self) -> None:
        """Check and save the step (subclasses); call `advance()` when there is nothing to save."""
        self.advance()

    def run(self, service: Callable[..., Any], *args: Any, then: Callable[[Any], None] | None = None,
            **kwargs: Any) -> None:
        """`service(actor, *args)` in the background; on success `then(result)`, reload, and move on."""
        self.wiz.set_busy(True)

        def done(result: Any) -> None:
            if then is not None:
                then(result)
            self.wiz.refresh(self.advance)

        self.ctx.runner.write(service, self.ctx.actor, *args, on_done=done, on_error=self.failed, **kwargs)

    def advance(self) -> None:
        self.wiz.set_busy(False)
        if self.wiz.currentPage() is not self:
            return
        self._passed = True
        if self.isFinalPage():
            self.wiz.accept()
        else:
            self.wiz.next()
        self._passed = False

    def failed(self, exc: BaseException) -> None:
        self.wiz.set_busy(False)
        if not isinstance(exc, USER_ERRORS):
            show_error(self, exc)
            return
        self.message.setText(str(exc))
        widget = self.fields.get(getattr(exc, "field", None) or "")
        if widget is not None:
            widget.setFocus()
