"""The protection pages under /protection/: the facility register, protection systems, service and overdue list."""
