"""/sys/class/gpio on a Pi 5 under 6.12: global numbers from the RP1 bank's base, the kernel's errnos."""

import irqlab


def test_bare_header_number_is_refused_as_on_the_board():
    """echo 17 > export: -EINVAL and "export_store: invalid GPIO 17" (GPIO17 is 512 + 17 on 6.12)."""
    m = irqlab.boot("rpi5", seed=1)
    assert m.write("/sys/class/gpio/export", "17\n") == -22
    assert m.dmesg_lines()[-1] == "export_store: invalid GPIO 17"
    assert m.read("/sys/class/gpio/gpiochip512/base") == "512\n"
    assert m.read("/sys/class/gpio/gpiochip512/ngpio") == "54\n"


def test_export_direction_value_edge_unexport():
    """An exported input reads the pin; edge=both requests the "gpiolib" IRQ; unexport frees the line."""
    m = irqlab.boot("rpi5", seed=1)
    btn = m.button(17, "none")
    assert m.write("/sys/class/gpio/export", "529\n") == 4
    assert m.read("/sys/class/gpio/gpio529/direction") == "in\n"
    assert m.read("/sys/class/gpio/gpio529/value") == "1\n"  # pulled up, button open
    btn.press(at=m.now + 1000, hold="5ms")
    m.run(for_="1ms")
    assert m.read("/sys/class/gpio/gpio529/value") == "0\n"
    assert m.write("/sys/class/gpio/gpio529/edge", "both\n") == 5
    assert m.read("/proc/interrupts").count("gpiolib") == 1
    m.run(for_="10ms")
    assert m.write("/sys/class/gpio/gpio529/value", "1\n") == -1  # -EPERM: an input
    assert m.write("/sys/class/gpio/unexport", "529\n") == 4
    assert "gpiolib" not in m.read("/proc/interrupts")
    assert m.write("/sys/class/gpio/unexport", "529\n") == -22


def test_export_of_a_line_a_driver_holds_is_busy():
    """A line requested by a driver cannot be exported: -EBUSY (echo: write error: Device or resource busy)."""
    m = irqlab.boot("rpi5", seed=1)
    m.sh("echo 516 > /sys/class/gpio/export")
    assert m.sh("echo 516 > /sys/class/gpio/export").output == "-bash: echo: write error: Device or resource busy\n"


def test_output_drives_the_pin():
    """direction=out then value=1 drives the LED wired to the pin."""
    m = irqlab.boot("rpi5", seed=1)
    led = m.led(4)
    m.sh("echo 516 > /sys/class/gpio/export; echo out > /sys/class/gpio/gpio516/direction")
    m.sh("echo 1 > /sys/class/gpio/gpio516/value")
    assert led.on and m.sh("cat /sys/class/gpio/gpio516/value").output == "1\n"
    assert m.sh("echo sideways > /sys/class/gpio/gpio516/direction").output == (
        "-bash: echo: write error: Invalid argument\n")
