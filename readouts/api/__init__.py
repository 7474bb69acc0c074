"""The read-only JSON API under /api/: the list pages' FilterSets, cursor pagination,
records addressed by slug, and an OpenAPI description browsed with Swagger UI."""
