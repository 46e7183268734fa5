from notifications.config import Settings
from servicekit.cli import run_cli


def main() -> None:
    from notifications.main import create_app

    run_cli("notifications", Settings, create_app)


if __name__ == "__main__":
    main()
