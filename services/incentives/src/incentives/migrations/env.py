from sqlmodel import SQLModel

import incentives.adapters.tables  # noqa: F401  (registers the tables)
from servicekit.migrate import run_env

run_env(SQLModel.metadata)
