"""The driver core, reduced: devices with managed resources, platform devices and drivers (drivers/base/)."""
