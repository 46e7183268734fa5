from sqlmodel import SQLModel

import dealreg.adapters.tables  # noqa: F401  (registers the tables)
from servicekit.migrate import run_env

run_env(SQLModel.metadata)
