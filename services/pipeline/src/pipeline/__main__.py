from pipeline.config import Settings
from servicekit.cli import run_cli


def main() -> None:
    from pipeline.main import create_app

    run_cli("pipeline", Settings, create_app)


if __name__ == "__main__":
    main()
