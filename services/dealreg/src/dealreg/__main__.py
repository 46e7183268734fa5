from dealreg.config import Settings
from servicekit.cli import run_cli


def main() -> None:
    from dealreg.main import create_app

    run_cli("dealreg", Settings, create_app)


if __name__ == "__main__":
    main()
