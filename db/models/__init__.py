"""All ORM models; importing this package registers every table on `Base.metadata`."""

from db.models.base import Base, utcnow
from db.models.department_goals import DepartmentGoal, DepartmentTask
from db.models.evaluation import (
    Agency,
    Evaluation,
    EvaluationLine,
    EvaluationTemplate,
    Expert,
    ExpertScore,
    PanelMember,
)
from db.models.exante import ExAnteAssessment
from db.models.monitoring import (
    CorrectiveAction,
    ExecutionImport,
    ImportMapping,
    MonitoringEntry,
    MonitoringLine,
    MonitoringRound,
)
from db.models.org import FiscalYear, Unit, User
from db.models.projects import ExecutionRecord, GoalTable, GoalTableVersion, Indicator, Project
from db.models.results import (
    AuditFinding,
    BudgetOverride,
    RectificationItem,
    RectificationNotice,
    ResultPolicy,
    TownshipFiscal,
)
from db.models.review import GoalReview, LibraryEntry
from db.models.system import AuditEntry, ExchangeLedgerEntry, Installation, Setting, UnitKey

__all__ = [
    "Agency",
    "AuditEntry",
    "AuditFinding",
    "Base",
    "BudgetOverride",
    "CorrectiveAction",
    "DepartmentGoal",
    "DepartmentTask",
    "Evaluation",
    "EvaluationLine",
    "EvaluationTemplate",
    "ExAnteAssessment",
    "ExchangeLedgerEntry",
    "ExecutionImport",
    "ExecutionRecord",
    "Expert",
    "ExpertScore",
    "FiscalYear",
    "GoalReview",
    "GoalTable",
    "GoalTableVersion",
    "ImportMapping",
    "Indicator",
    "Installation",
    "LibraryEntry",
    "MonitoringEntry",
    "MonitoringLine",
    "MonitoringRound",
    "PanelMember",
    "Project",
    "RectificationItem",
    "RectificationNotice",
    "ResultPolicy",
    "Setting",
    "TownshipFiscal",
    "Unit",
    "UnitKey",
    "User",
    "utcnow",
]
