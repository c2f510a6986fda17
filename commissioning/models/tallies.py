"""Running tallies the commissioner's dashboard reads instead of counting every return and
summing every funding line: kept by the services that write returns and contracts, in
the same transaction (commissioning.services.tallies), and recounted from scratch by
`manage.py recount_dashboard_tallies`. Their size follows the years, quarters, statuses,
due dates, streams, services and priorities in use, never the number of contracts."""

from __future__ import annotations

from django.db import models

from commissioning.models.contracts import MONEY, FundingStream, Service
from commissioning.models.returns import MonitoringReturn
from outcomes.models import Priority


class ReturnTally(models.Model):
    """How many newest versions of returns are in one quarter and status with one due
    date, submitted (at some time) or not: what a quarter's counts and its overdue
    returns (editable, never submitted, past the due date) are added up from."""

    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=MonitoringReturn.Status.choices)
    due_date = models.DateField()
    was_submitted = models.BooleanField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "quarter", "status", "due_date", "was_submitted"],
                name="one_return_tally_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.financial_year} Q{self.quarter} {self.status} due {self.due_date}"


class ContractValueTally(models.Model):
    """The funding lines of one financial year and stream, over the contracts of one
    service and primary priority, live (not draft) or draft: their number and total."""

    financial_year = models.PositiveSmallIntegerField()
    stream = models.CharField(max_length=20, choices=FundingStream.choices)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="+")
    live = models.BooleanField()
    lines = models.IntegerField(default=0)
    amount = models.DecimalField(**{**MONEY, "max_digits": 16})

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "stream", "service", "priority", "live"],
                name="one_contract_value_tally_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.financial_year} {self.stream}: {self.amount}"
