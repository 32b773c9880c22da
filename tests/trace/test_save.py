"""m.trace.save(): the file format by suffix, the same bytes for the same scenario and seed."""

import pytest

pytest.importorskip("perfetto", reason="the perfetto package is not installed")


def test_every_trace_file_is_byte_identical_for_the_same_seed(traced, tmp_path):
    """Same scenario and seed: the .dat, .perfetto-trace, .json and .txt files are byte for byte the same."""
    files = {}
    for run in ("a", "b"):
        m = traced("seed001_workqueue")
        for suffix in (".dat", ".perfetto-trace", ".json", ".txt"):
            path = tmp_path / f"{run}{suffix}"
            m.trace.save(str(path))
            files[run, suffix] = path.read_bytes()
    for suffix in (".dat", ".perfetto-trace", ".json", ".txt"):
        assert files["a", suffix] == files["b", suffix]
    assert files["a", ".txt"].decode() == m.trace.text()


def test_an_unknown_suffix_names_the_formats(tmp_path):
    """A file name without a known suffix is refused, naming the suffixes; format= overrides the suffix."""
    import irqlab

    m = irqlab.boot("generic", cpus=1, seed=0, trace="irq")
    m.run(until="10ms")
    with pytest.raises(ValueError, match=r"name it \.dat \(trace-cmd\), \.perfetto-trace \(Perfetto\)"):
        m.trace.save(str(tmp_path / "trace.bin"))
    assert m.trace.save(str(tmp_path / "trace.bin"), format="txt") == len(m.trace.events())
    assert (tmp_path / "trace.bin").read_text() == m.trace.text()
