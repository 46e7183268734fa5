"""Container health probe: GET http://127.0.0.1:$PORT<path>, exit 0 on a 2xx.

The slim Python image has no curl, so the Dockerfiles' HEALTHCHECK and the compose
healthchecks run this with the image's own interpreter (standard library only).
Usage: python /usr/local/bin/healthcheck.py [/healthz|/readyz]
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "/healthz"
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}{path}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if 200 <= response.status < 300 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"healthcheck: {url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
