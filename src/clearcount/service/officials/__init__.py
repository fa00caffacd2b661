"""Officials' accounts and sign-in for the web console (issue 9): argon2id passwords, a TOTP
second factor (RFC 6238), server-side sessions and rate limits. A signed-in official becomes the
`Principal` every service call is authorised against (service.authorisation), so the console
has no rules of its own about who may do what."""
