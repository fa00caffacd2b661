"""The role API (issue 9): JSON endpoints for the acts trustees, tellers and the credential
authority perform from their own machines, documented as OpenAPI from one route table."""
