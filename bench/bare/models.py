from django.db import models


class Bid(models.Model):
    """The service's bids table, read as it stands (never migrated from here)."""

    reference = models.CharField(max_length=40, null=True)
    project_title = models.CharField(max_length=140)
    status = models.CharField(max_length=20)
    amount_requested = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    submitted_at = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "grants_application"

    def __str__(self) -> str:
        return self.reference or ""
