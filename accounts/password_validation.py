"""Django's password checks, saying what to do in the service's words."""

from __future__ import annotations

from django.contrib.auth import password_validation as django_checks


class MinimumLengthValidator(django_checks.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"Password must be {self.min_length} characters or more"


class UserAttributeSimilarityValidator(django_checks.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return "Choose a password that is not like your name or email address"


class CommonPasswordValidator(django_checks.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "Choose a password that is harder to guess: this one is used by many people"


class NumericPasswordValidator(django_checks.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return "Password must include letters or symbols, not only numbers"
