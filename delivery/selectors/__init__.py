"""Plan-delivery reads, for the dashboard and (later) the Panel report: plain dataclasses
out, one call per table, the plan version a parameter (see scope.Scope)."""

from delivery.selectors.facts import COPE_MEASURES, Facts, load_facts
from delivery.selectors.options import Options, dashboard_options
from delivery.selectors.scope import TOTAL, Scope, slug
from delivery.selectors.summaries import (
    AwardSummary,
    ContractSummary,
    award_summary,
    contract_summary,
)
from delivery.selectors.tables import (
    ADDITIVE,
    AREA,
    DIMENSIONS,
    DISTRICT,
    KINDS,
    OUTCOME,
    PRIORITY,
    TABLES,
    THEME,
    Dashboard,
    Drilldown,
    Figures,
    Gaps,
    Row,
    dashboard,
    drilldown,
    figures_of,
    grouped,
    keys,
    table,
)

__all__ = [
    "ADDITIVE",
    "AREA",
    "COPE_MEASURES",
    "DIMENSIONS",
    "DISTRICT",
    "KINDS",
    "OUTCOME",
    "PRIORITY",
    "TABLES",
    "THEME",
    "TOTAL",
    "AwardSummary",
    "ContractSummary",
    "Dashboard",
    "Drilldown",
    "Facts",
    "Figures",
    "Gaps",
    "Options",
    "Row",
    "Scope",
    "award_summary",
    "contract_summary",
    "dashboard",
    "dashboard_options",
    "drilldown",
    "figures_of",
    "grouped",
    "keys",
    "load_facts",
    "slug",
    "table",
]
