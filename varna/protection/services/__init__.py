"""Every write of the protection app: the facility register, protection systems and their service (G11)."""
