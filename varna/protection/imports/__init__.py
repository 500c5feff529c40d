"""The protection app's imports, registered with core in ``ProtectionConfig.ready``: false alarms from the alarm
receiving centre's list (:mod:`.false_alarms`) and theft-prone property (:mod:`.property`)."""
