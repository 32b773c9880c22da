"""lib/vsprintf.c's '-' flag: left-justify within the field width (it also overrides '0')."""

from irqlab.kernel.vsprintf import vsprintf


def test_minus_flag_left_justifies_strings_and_numbers():
    """%-8s, %-5d, %-6x and %-06d pad on the right, as printf does; without '-' they pad on the left."""
    assert vsprintf("[%-8s]", ["irq"]) == "[irq     ]"
    assert vsprintf("[%-5d][%5d]", [42, 42]) == "[42   ][   42]"
    assert vsprintf("[%-6x][%-#6x]", [255, 255]) == "[ff    ][0xff  ]"
    assert vsprintf("[%-06d]", [-7]) == "[-7    ]"
    assert vsprintf("[%-*s]", [6, "ab"]) == "[ab    ]"
