from commissioning.models.contracts import (
    MONEY,
    Contract,
    ContractAmendment,
    ContractFunding,
    FundingStream,
    Service,
    Target,
)
from commissioning.models.exports import ReturnExport
from commissioning.models.measures import DEFAULT_CATEGORIES, Dimension, Measure, MeasureSet
from commissioning.models.returns import (
    MeasureComment,
    MonitoringReturn,
    Rating,
    ReturnReview,
    ReturnValue,
)
from commissioning.models.tallies import ContractValueTally, ReturnTally

__all__ = [
    "DEFAULT_CATEGORIES",
    "MONEY",
    "Contract",
    "ContractAmendment",
    "ContractFunding",
    "ContractValueTally",
    "Dimension",
    "FundingStream",
    "Measure",
    "MeasureComment",
    "MeasureSet",
    "MonitoringReturn",
    "Rating",
    "ReturnExport",
    "ReturnReview",
    "ReturnTally",
    "ReturnValue",
    "Service",
    "Target",
]
