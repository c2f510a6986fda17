"""Who may read the plan's indicator readings and who may change them.

The staff who follow plan delivery read them: the performance lead, grants officers,
commissioners, decision makers and administrators. Only the performance lead (and an
administrator) enters, changes or uploads readings. Assessors, applicants and providers
are kept out. The rules are tested with rules.test_rule: a superuser gets no free pass.
"""

from __future__ import annotations

import rules
from django.http import Http404

from accounts.models import User
from accounts.permissions import (
    is_administrator,
    is_commissioner,
    is_decision_maker,
    is_grants_officer,
    is_performance_lead,
)
from outcomes.models import Indicator, IndicatorReading, Plan, ReadingUpload

reads_plan_delivery = (
    is_performance_lead | is_grants_officer | is_commissioner | is_decision_maker | is_administrator
)
changes_readings = is_performance_lead | is_administrator

VIEW_READINGS = "outcomes.view_readings"
CHANGE_READINGS = "outcomes.change_readings"
rules.add_rule(VIEW_READINGS, reads_plan_delivery)
rules.add_rule(CHANGE_READINGS, changes_readings)


def can_change_readings(user: User) -> bool:
    return rules.test_rule(CHANGE_READINGS, user)


def access_plan_by_code(user: User, code: str) -> Plan:
    """The plan its code names, for someone who may read its readings; one 404 otherwise."""
    plan = Plan.objects.filter(code=code).first() if reads_plan_delivery(user) else None
    if plan is None:
        raise Http404("No such plan")
    return plan


def access_indicator_by_code(user: User, plan_code: str, indicator_code: str) -> Indicator:
    """The indicator of that plan, for someone who may read its readings; one 404 otherwise."""
    indicator = None
    if reads_plan_delivery(user):
        indicator = (
            Indicator.objects.select_related("plan", "priority")
            .filter(plan__code=plan_code, code=indicator_code)
            .first()
        )
    if indicator is None:
        raise Http404("No such indicator")
    return indicator


def access_reading_by_uuid(
    user: User, reading_uuid, *, plan_code: str | None = None
) -> IndicatorReading:
    """The reading (of the plan `plan_code`, when given), for someone who may read it;
    one 404 for missing, another plan's, and not yours alike."""
    reading = None
    if reads_plan_delivery(user):
        readings = IndicatorReading.objects.select_related(
            "measure__indicator__plan", "measure__indicator__priority", "district"
        ).filter(uuid=reading_uuid)
        if plan_code is not None:
            readings = readings.filter(measure__indicator__plan__code=plan_code)
        reading = readings.first()
    if reading is None:
        raise Http404("No such reading")
    return reading


def access_upload_by_uuid(
    user: User, upload_uuid, *, plan_code: str | None = None
) -> ReadingUpload:
    """A saved upload of readings, for someone who may read readings; one 404 otherwise."""
    upload = None
    if reads_plan_delivery(user):
        uploads = ReadingUpload.objects.select_related("plan", "uploaded_by").filter(
            uuid=upload_uuid
        )
        if plan_code is not None:
            uploads = uploads.filter(plan__code=plan_code)
        upload = uploads.first()
    if upload is None:
        raise Http404("No such upload")
    return upload
