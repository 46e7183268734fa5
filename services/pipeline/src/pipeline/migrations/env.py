from sqlmodel import SQLModel

from pipeline.adapters.tables import ServiceTable
from servicekit.migrate import run_env

run_env([ServiceTable.metadata, SQLModel.metadata])
