"""Demo indicator readings for `manage.py seed_demo`: the 2019/20 to 2021/22 figures the
Panel's Performance Monitoring Report (July 2022) printed, with its district table for
victim satisfaction. They live in data/demo/indicator_readings.csv and are loaded through
the same import as an uploaded file, as the performance lead; safe to run again."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from outcomes.models import IndicatorReading, Plan, ReadingUpload
from outcomes.readings_csv import parse_readings_csv
from outcomes.services import readings_import

READINGS_FILE = settings.BASE_DIR / "data" / "demo" / "indicator_readings.csv"
PERFORMANCE_LEAD = "performance@demo.example"


def seed_indicator_readings(plan: Plan) -> ReadingUpload | None:
    """Load the demo readings into `plan`, unless it already has readings."""
    if IndicatorReading.objects.filter(measure__indicator__plan=plan).exists():
        return None
    parsed = parse_readings_csv(READINGS_FILE.read_bytes())
    if parsed.file_errors:
        raise ValueError(f"{READINGS_FILE}: {'; '.join(parsed.file_errors)}")
    return readings_import(
        plan=plan,
        rows=parsed.rows,
        by=User.objects.get(email=PERFORMANCE_LEAD),
        file_name=READINGS_FILE.name,
    )
