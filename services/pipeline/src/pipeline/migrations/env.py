from sqlmodel import SQLModel

import pipeline.adapters.scorecard_tables  # noqa: F401  (its tables join ServiceTable.metadata)
from pipeline.adapters.tables import ServiceTable
from servicekit.migrate import run_env

run_env([ServiceTable.metadata, SQLModel.metadata])
