"""Roles and keys: role cards and key files, the key ceremony, the credential authority and its
delivery."""
