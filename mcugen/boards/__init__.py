"""boards stage."""
