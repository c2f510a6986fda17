"""Grants forms, by stage like grants.services; what they share is in grants.forms.common."""
