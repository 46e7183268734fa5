import incentives.adapters.tables  # noqa: F401  (registers the tables)
from servicekit.migrate import run_env
from sqlmodel import SQLModel

run_env(SQLModel.metadata)
