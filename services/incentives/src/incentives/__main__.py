from incentives.config import Settings
from servicekit.cli import run_cli


def main() -> None:
    from incentives.main import create_app

    run_cli("incentives", Settings, create_app)


if __name__ == "__main__":
    main()
