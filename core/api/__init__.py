"""What every REST endpoint shares: one error format (problems), pagination, ETag and
If-Match (concurrency), Idempotency-Key replay (idempotency), throttles that fail open
(throttling) and the OpenAPI helpers (schema). Imports no app of ours."""
