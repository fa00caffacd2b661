"""Mail adapters: the SMTP client (`mail.smtp`) and printed letters (`mail.letters`).

They implement the service's ports (`service.ports.Mailer`) and render what `service.roles.delivery`
composes; the service never imports this package (import-linter enforces it).
"""

__all__: list[str] = []
