from sqlmodel import SQLModel

from dealreg.adapters.tables import ServiceTable
from servicekit.migrate import run_env

run_env([ServiceTable.metadata, SQLModel.metadata])
