def test_scratch(award, personas):
    a = award
    print("dates", a.planned_start, a.planned_end, a.monitoring_due_dates)
    print("lines", list(a.application.budget_lines.values_list("pk", "description", "amount")))
    print("outcomes", list(a.outcomes.values_list("code", flat=True)))
    print(
        "status", a.application.status, a.application.pot, a.application.round.assessment_deadline
    )
    print(list(a.instalments.values()))
    from accounts.models import OutboxMessage

    print(list(OutboxMessage.objects.values()))
