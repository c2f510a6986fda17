"""Every non-trivial read of grants, by stage like grants.services. Import the stage's
module: `from grants.selectors.applications import application_for_form`."""
