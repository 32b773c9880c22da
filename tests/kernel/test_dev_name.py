"""dev_name() is part of the driver API (include/linux/device.h)."""

from irqlab.kernel import dev_name, platform_device


def test_dev_name_of_platform_devices():
    """dev_name(&pdev->dev) is "name" for PLATFORM_DEVID_NONE and "name.id" otherwise."""
    assert dev_name(platform_device("mydev")) == "mydev"
    assert dev_name(platform_device("mydev", 3).dev) == "mydev.3"
