"""The officials' console (issue 9): sign-in with a password and a TOTP code, then the pages
that run a ballot. Every action calls the same service method the CLI calls, with the signed-in
official as the Principal (service.authorisation decides); this package holds no rules."""
