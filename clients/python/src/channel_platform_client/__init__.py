"""The channel platform's typed Python client.

The four services' clients are generated from their OpenAPI documents (`make sdk`) under
`channel_platform_client.generated.<service>`: one module per operation, named by its operation
id (`generated.dealreg.api.deals.post_deal`), with typed models. On top of them, by hand:

- `Platform`: the four authenticated clients from one token and the services' base URLs;
- `call`: an operation with retries that reuse one Idempotency-Key, and `expect` for its answer;
- `pages` / `items`: iterate a paginated list, cursor by cursor;
- `verify_webhook`: check a delivery's Standard Webhooks signature and read its CloudEvent.
"""

from channel_platform_client.errors import ApiProblem, expect
from channel_platform_client.pagination import items, pages
from channel_platform_client.platform import Platform
from channel_platform_client.retries import RetryPolicy, call, call_async
from channel_platform_client.webhooks import WebhookVerificationError, verify_webhook

__all__ = [
    "ApiProblem",
    "Platform",
    "RetryPolicy",
    "WebhookVerificationError",
    "call",
    "call_async",
    "expect",
    "items",
    "pages",
    "verify_webhook",
]
