"""Grants pages, by stage like grants.services. urls.py imports each module; nothing here
imports them all."""
