"""Reads for commissioning pages, by stage: each selector owns its joins and prefetches, so
a page's query count does not grow with its rows. `from commissioning import selectors`
and `selectors.<name>` reach every public read."""

from commissioning.selectors.common import EDITABLE, newest_versions
from commissioning.selectors.comparison import (
    BIG_CHANGE,
    ComparisonRow,
    comparison,
    previous_returns,
)
from commissioning.selectors.contracts import (
    FundingYear,
    contract_detail,
    contracts_for_list,
    contracts_of_provider,
    funding_by_year,
    target_table,
    targets_for_year,
)
from commissioning.selectors.dashboard import (
    STATUS_COLUMNS,
    Dashboard,
    QuarterRow,
    ValueRow,
    dashboard,
)
from commissioning.selectors.exports import return_exports
from commissioning.selectors.returns import (
    figures_as_text,
    figures_of,
    latest_review,
    measures_of,
    return_with_reviews,
)
from commissioning.selectors.rollup import (
    REPORTING_CONTRACTS,
    MissingReturn,
    Rollup,
    RollupRow,
    missing_table,
    rollup,
    rollup_table,
)

__all__ = [
    "BIG_CHANGE",
    "EDITABLE",
    "REPORTING_CONTRACTS",
    "STATUS_COLUMNS",
    "ComparisonRow",
    "Dashboard",
    "FundingYear",
    "MissingReturn",
    "QuarterRow",
    "Rollup",
    "RollupRow",
    "ValueRow",
    "comparison",
    "contract_detail",
    "contracts_for_list",
    "contracts_of_provider",
    "dashboard",
    "figures_as_text",
    "figures_of",
    "funding_by_year",
    "latest_review",
    "measures_of",
    "missing_table",
    "newest_versions",
    "previous_returns",
    "return_exports",
    "return_with_reviews",
    "rollup",
    "rollup_table",
    "target_table",
    "targets_for_year",
]
