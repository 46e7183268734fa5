from notifications.adapters.tables import ServiceTable
from servicekit.migrate import run_env

run_env(ServiceTable.metadata)
