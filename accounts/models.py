from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts import validators


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class District(models.Model):
    """A local authority district the office serves (loaded with the plan)."""

    name = models.CharField(max_length=100, unique=True)
    ons_code = models.CharField("ONS code", max_length=9, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Type(models.TextChoices):
        REGISTERED_CHARITY = "registered_charity", "Registered charity"
        CIO = "cio", "Charitable incorporated organisation (CIO)"
        COMPANY_LIMITED_BY_GUARANTEE = "clg", "Company limited by guarantee"
        CIC = "cic", "Community interest company (CIC)"
        COMMUNITY_GROUP = "community_group", "Constituted community group"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        PUBLIC_BODY = "public_body", "Public body"
        OTHER = "other", "Other"

    # Which register number each type must have.
    NEEDS_CHARITY_NUMBER = frozenset({Type.REGISTERED_CHARITY, Type.CIO})
    NEEDS_COMPANY_NUMBER = frozenset({Type.COMPANY_LIMITED_BY_GUARANTEE, Type.CIC})

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    type = models.CharField("type of organisation", max_length=32, choices=Type.choices)
    charity_number = models.CharField(
        max_length=12, blank=True, validators=[validators.validate_charity_number]
    )
    company_number = models.CharField(
        max_length=8, blank=True, validators=[validators.validate_company_number]
    )
    address_line_1 = models.CharField("address line 1", max_length=200)
    address_line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100)
    postcode = models.CharField(max_length=8, validators=[validators.validate_postcode])
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="organisations", null=True, blank=True
    )
    website = models.URLField(blank=True)
    is_applicant = models.BooleanField("applies for grants", default=True)
    is_provider = models.BooleanField("is a commissioned provider", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_applicant=True) | Q(is_provider=True),
                name="organisation_is_applicant_or_provider",
            ),
        ]
        # The staff directory's order: a page of 50 without sorting every organisation.
        indexes = [models.Index(fields=["name", "id"], name="organisation_by_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.type in self.NEEDS_CHARITY_NUMBER and not self.charity_number:
            errors["charity_number"] = "Enter the charity number: this type of organisation has one"
        if self.type in self.NEEDS_COMPANY_NUMBER and not self.company_number:
            errors["company_number"] = "Enter the company number: this type of organisation has one"
        if errors:
            raise ValidationError(errors)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.get_role_display()})"


def _invitation_expiry():
    return timezone.now() + timedelta(days=Invitation.VALID_DAYS)


class Invitation(models.Model):
    """An invitation for a colleague to join an organisation, sent by email."""

    VALID_DAYS = 14

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


def _api_token_expiry():
    return timezone.now() + timedelta(days=ApiToken.DEFAULT_DAYS)


class ApiToken(models.Model):
    """A named key a system uses to call the API for a person: for one organisation they
    belong to, or (staff) for their staff roles. Only a SHA-256 digest of the key is kept:
    the key itself is shown once, when it is created. `prefix` (the key's first characters)
    finds the row; the digest proves the key."""

    DEFAULT_DAYS = 90
    MAX_DAYS = 365

    class Scope(models.TextChoices):
        READ = "read", "Read everything you can see"
        RETURNS_WRITE = "returns:write", "Write and submit monitoring returns (and review them)"
        APPLICATIONS_WRITE = "applications:write", "Write, submit and withdraw applications"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Revoked"

    TRANSITIONS: dict[str, set[str]] = {Status.ACTIVE: {Status.REVOKED}, Status.REVOKED: set()}

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    # None: a staff token, acting with the person's staff roles and no organisation.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    scopes = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_api_token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.ACTIVE and not self.is_expired

    def get_scopes_display(self) -> str:
        labels = dict(self.Scope.choices)
        return ", ".join(str(labels.get(scope, scope)) for scope in self.scopes)
