"""The login dialog and the first-start dialog that creates the administrator (no default password)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.common.errors import USER_ERRORS
from core.org import auth
from core.org.rules.roles import Actor
from core.version import APP_NAME, __version__
from desktop.shell.errors import show_error
from desktop.shell.tasks import TaskRunner


class _FormDialog(QDialog):
    """A titled form with an inline error line; submitting runs one service call in the background."""

    def __init__(self, runner: TaskRunner, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor: Actor | None = None
        self.setWindowTitle(f"{APP_NAME} {__version__} — {title}")
        self.setMinimumWidth(420)
        heading = QLabel(APP_NAME, self)
        heading.setObjectName("loginHeading")
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.error = QLabel("", self)
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _line(self, label: str, password: bool = False, text: str = "") -> QLineEdit:
        edit = QLineEdit(text, self)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(label, edit)
        return edit

    def submit(self) -> None:
        raise NotImplementedError

    def _run(self, service: object, *args: object) -> None:
        self.buttons.setEnabled(False)
        self.error.setText("")
        self.runner.write(service, *args, on_done=self._succeeded, on_error=self._failed)  # type: ignore[arg-type]

    def _succeeded(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, USER_ERRORS):
            self.error.setText(str(exc))
        else:
            show_error(self, exc)


class LoginDialog(_FormDialog):
    def __init__(self, runner: TaskRunner, db_label: str, parent: QWidget | None = None) -> None:
        super().__init__(runner, "登录", f"数据库：{db_label}", parent)
        self.username = self._line("用户名(&U)：")
        self.password = self._line("密码(&P)：", password=True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")

    def submit(self) -> None:
        if not self.username.text().strip():
            self.error.setText("请输入用户名。")
            self.username.setFocus()
            return
        self._run(auth.login, self.username.text(), self.password.text())

    def _failed(self, exc: BaseException) -> None:
        super()._failed(exc)
        self.password.clear()
        self.password.setFocus()


class FirstAdminDialog(_FormDialog):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(
            runner, "首次启动：设置管理员",
            "这是首次启动。请设置系统管理员的用户名和密码（至少 8 位，含字母和数字）。"
            "系统没有默认密码，请妥善保管。", parent)
        self.username = self._line("管理员用户名(&U)：", text="admin")
        self.display_name = self._line("姓名(&N)：", text="系统管理员")
        self.password = self._line("密码(&P)：", password=True)
        self.confirm = self._line("确认密码(&C)：", password=True)
        self.password.setFocus()

    def submit(self) -> None:
        self._run(auth.create_first_admin, self.username.text(), self.display_name.text(),
                  self.password.text(), self.confirm.text())
