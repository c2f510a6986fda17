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
    AwardCondition,
    BankDetails,
    Letter,
    PanelItem,
    PanelRecommendation,
    PaymentInstalment,
    PublicationChange,
)
from grants.models.monitoring import (
    BENEFICIARY_GROUPS,
    VARIANCE_LIMIT,
    MonitoringEvidence,
    MonitoringReport,
    OutcomeProgress,
    SpendLine,
)

__all__ = [
    "BENEFICIARY_GROUPS",
    "DEFAULT_SCREENING_CHECKS",
    "MONEY",
    "VARIANCE_LIMIT",
    "Application",
    "ApplicationDocument",
    "Assessment",
    "Award",
    "AwardCondition",
    "BankDetails",
    "BudgetLine",
    "Criterion",
    "Fund",
    "Letter",
    "MonitoringEvidence",
    "MonitoringReport",
    "OutcomeProgress",
    "PanelItem",
    "PanelRecommendation",
    "PaymentInstalment",
    "Pot",
    "PublicationChange",
    "ReminderSent",
    "Round",
    "RoundQuerySet",
    "Score",
    "Screening",
    "ScreeningCheck",
    "SpendLine",
]
