"""Writes to the plan framework (plans.py) and to its indicator readings (readings.py)."""

from outcomes.services.crosswalks import crosswalk_load
from outcomes.services.plans import plan_load
from outcomes.services.readings import ReadingInput, reading_save, readings_import

__all__ = ["ReadingInput", "crosswalk_load", "plan_load", "reading_save", "readings_import"]
