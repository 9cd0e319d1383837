"""The service catalog domain: models, rules and operations, free of HTTP."""
