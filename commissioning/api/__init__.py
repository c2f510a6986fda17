"""The REST API for commissioning: providers' contracts, measure sets and returns, and the
commissioners' review and roll-up. The same services, selectors and access helpers as the
web pages (commissioning.services.returns, commissioning.permissions)."""
