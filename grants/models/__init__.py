"""Grant models, split by stage: applying, assessing, and deciding and awarding."""

from grants.models.applications import (
    MONEY,
    Application,
    ApplicationDocument,
    BudgetLine,
    Fund,
    Pot,
    ReminderSent,
    Round,
    RoundQuerySet,
    _document_path,  # noqa: F401  (named by migration 0002)
)
from grants.models.assessment import (
    DEFAULT_SCREENING_CHECKS,
    Assessment,
    Criterion,
    Score,
    Screening,
    ScreeningCheck,
)
from grants.models.awards import (
    Award,
    Letter,
    PanelItem,
    PanelRecommendation,
    PaymentInstalment,
)

__all__ = [
    "DEFAULT_SCREENING_CHECKS",
    "MONEY",
    "Application",
    "ApplicationDocument",
    "Assessment",
    "Award",
    "BudgetLine",
    "Criterion",
    "Fund",
    "Letter",
    "PanelItem",
    "PanelRecommendation",
    "PaymentInstalment",
    "Pot",
    "ReminderSent",
    "Round",
    "RoundQuerySet",
    "Score",
    "Screening",
    "ScreeningCheck",
]
