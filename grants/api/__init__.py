"""The REST API for grants: public funds and rounds; a group's organisations, applications
(draft, sections, budget, documents, submit, withdraw) and awards; an officer's view of a
round's bids, their assessment scores, awards and payments due. The same services,
selectors, forms' checks and access helpers as the web pages."""
