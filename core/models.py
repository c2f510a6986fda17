"""The shared audit and outbox rows every app writes through core.workflow and core.outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class StatusChange(models.Model):
    """Audit row written by every workflow transition service."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    from_status = models.CharField(max_length=32)
    to_status = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Made by the service itself (a letter sent, a date reached), not by a person.
    by_system = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table and index keep the names they had in accounts: the model moved, the
        # rows did not.
        db_table = "accounts_statuschange"
        ordering = ["at", "pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id"], name="accounts_st_content_520ded_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"

    @property
    def actor_name(self) -> str:
        """Who made the change, in words: a person, "System", or a deleted account."""
        if self.by_system:
            return "System"
        if self.actor is None:
            return "Someone no longer here"
        return self.actor.full_name or self.actor.email


class OutboxMessage(models.Model):
    """A message that must not be lost, written in the same transaction as its cause.

    The relay (core.outbox) hands unsent rows to their sender; a row is unique per
    (kind, object, period), so queuing twice or relaying twice never sends twice.
    """

    kind = models.CharField(max_length=60)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    period = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the relay last handed it to a send task; redispatched if still unsent later.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = "accounts_outboxmessage"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "period"],
                name="one_outbox_message_per_kind_object_period",
            ),
        ]
        indexes = [
            models.Index(fields=["sent_at", "created_at"], name="accounts_ou_sent_at_f05aaa_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.content_type_id}:{self.object_id}"


class IdempotencyKey(models.Model):
    """The first answer to a request sent with an Idempotency-Key header, replayed when the
    same caller sends the same key to the same address again (a retried submit), until
    `expires_at`. Only successful answers are kept: a refused request can be fixed and
    sent again with the same key."""

    owner = models.CharField(max_length=80)  # "token:<id>" or "user:<id>"
    key = models.CharField(max_length=255)
    path = models.CharField(max_length=300)  # method and path
    fingerprint = models.CharField(max_length=64)  # of the request body
    status_code = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key", "path"], name="one_answer_per_idempotency_key"
            ),
        ]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.owner} {self.key} {self.path}"


class PurgeRecord(models.Model):
    """What the retention schedule purged (core.retention): the rule, the kind of thing, its
    id and reference, what was done and when. It holds no personal data."""

    rule = models.CharField(max_length=50)
    kind = models.CharField(max_length=50)
    object_id = models.PositiveBigIntegerField()
    reference = models.CharField(max_length=100)
    detail = models.CharField(max_length=300)
    purged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-purged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "object_id"], name="one_purge_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} ({self.rule})"
