"""Records validated a batch at a time give the records and the problems validating each
on its own gives; the ids an import remembers are kept on disk, with the same answers
the sets they replace gave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tacgraph.importer.batch import parse, prepare, validate_batch
from tacgraph.importer.ids import IdFile
from tacgraph.sources import RawRecord, read_records
from tacgraph.synth import Synthesiser, write_jsonl


@pytest.fixture(scope="module")
def raws(tmp_path_factory: pytest.TempPathFactory) -> list[RawRecord]:
    path = tmp_path_factory.mktemp("batch") / "la.jsonl"
    write_jsonl(Synthesiser(40, 5).records(), path)
    return list(read_records(path))


def _spoilt(raws: list[RawRecord]) -> list[RawRecord]:
    """The records with every seventh one made bad in a different way, and a record of
    an unknown type, one with a lone surrogate, and one that could not be read."""
    out: list[RawRecord] = []
    for n, raw in enumerate(raws):
        data = json.loads(json.dumps(raw.data))
        if n % 7 == 3:
            data["id"] = "not an id!"
        elif n % 7 == 5:
            data["unexpected"] = 1
        out.append(RawRecord(raw.location, raw.label, data, raw.redacted))
    out.append(RawRecord("x:line 1", "Nothing", {"id": "N-1"}))
    out.append(RawRecord("x:line 2", "Agency", {"id": "A-\ud800", "name": "x"}))
    out.append(RawRecord("x:line 3", "Agency", "not a record"))
    return out


def test_a_batch_gives_what_each_record_on_its_own_gives(raws: list[RawRecord]) -> None:
    items = _spoilt(raws)
    batched = validate_batch([(raw, *prepare(raw)) for raw in items])
    assert [p.raw for p in batched] == items
    bad = 0
    for raw, parsed in zip(items, batched, strict=True):
        record, problems = parse(raw)
        assert parsed.record == record, raw.location
        assert parsed.problems == problems, raw.location
        bad += bool(problems)
    assert bad > 10


def test_good_records_are_validated_in_one_call_per_type(
    raws: list[RawRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tacgraph.importer import batch

    one_by_one: list[str] = []
    monkeypatch.setattr(batch, "_one", lambda item: one_by_one.append(item[0].location))
    records = validate_batch([(raw, *prepare(raw)) for raw in raws])
    assert one_by_one == []
    assert all(p.record is not None and not p.problems for p in records)


def test_the_id_file_answers_as_the_sets_did(tmp_path: Path) -> None:
    ids = IdFile(tmp_path)
    ids.keep("Child", "C-1", b"a")
    ids.keep("Child", "C-2", b"b", unchanged=True)
    ids.keep("Agency", "C-1", b"c")  # the same id under another label is another record
    assert ids.known("Child", "C-1") == b"a" and ids.known("Agency", "C-1") == b"c"
    assert ids.state("Child", "C-2") == (b"b", False, True)
    assert ids.known("Child", "C-3") is None
    assert (ids.to_write(), ids.unchanged()) == (2, 1)
    ids.need("Child", ["C-1", "C-2", "C-9", "C-9"])
    ids.need("Agency", ["A-1"])
    assert dict(ids.outside()) == {"Agency": ["A-1"], "Child": ["C-9"]}
    assert ids.outside_count() == 2
    assert ids.take("Child", "C-1") == b"a"
    assert ids.take("Child", "C-1") is None  # a repeat of the same record finds none
    assert ids.known("Child", "C-1") is None
    assert ids.take("Child", "C-2") is None  # unchanged: nothing to write
    ids.forget_needed()
    assert list(ids.outside()) == []
    ids.close()


def test_the_id_file_gives_the_same_answers_before_and_after_a_batch_is_flushed(
    tmp_path: Path,
) -> None:
    """What a batch keeps is held until the flush and what it asks is read ahead: an id
    kept in an earlier batch and again in this one has both states, read ahead or not."""
    ids = IdFile(tmp_path)
    ids.keep("Child", "C-1", b"a", unchanged=True)
    ids.keep("Child", "C-2", b"b")
    ids.flush()
    ids.prefetch("Child", ["C-1", "C-3"])
    assert ids.state("Child", "C-1") == (b"a", False, True)  # read ahead
    assert ids.state("Child", "C-2") == (b"b", True, False)  # not read ahead: asked
    assert ids.known("Child", "C-3") is None
    ids.keep("Child", "C-1", b"r")  # a redacted twin of the unchanged record
    ids.keep("Child", "C-3", b"c")
    assert ids.state("Child", "C-1") == (b"r", True, True)
    assert ids.known("Child", "C-3") == b"c"  # a repeat in the same batch is seen
    ids.flush()
    assert ids.state("Child", "C-1") == (b"r", True, True)
    assert (ids.to_write(), ids.unchanged()) == (3, 1)
    ids.close()


def test_a_json_lines_value_is_read_as_the_standard_library_reads_it(tmp_path: Path) -> None:
    """JSON Lines are read by the standard library: orjson, several times faster, reads
    an integer past 64 bits as a float, and checking each line for one cost as much as
    it saved; this pins what a faster reader must keep (a lone surrogate's escape, NaN,
    an integer past 64 bits whole, an emoji's escaped pair, a line that is not JSON)."""
    lines = [
        '{"type": "Agency", "record": {"id": "A-1", "name": "\\ud800"}}',
        '{"type": "Agency", "record": {"id": "A-2", "name": NaN}}',
        '{"type": "Agency", "record": {"id": "A-3", "name": 123456789012345678901234567890}}',
        '{"type": "Agency", "record": {"id": "A-4", "name": "caf\\u00e9 \\ud83d\\ude00"}}',
        '{"type": "Agency", "record": {"id": "A-5", "name": [[[[]]]]}',
    ]
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read = list(read_records(path))
    # As dumped: NaN is not equal to itself.
    assert [json.dumps(raw.data) for raw in read[:4]] == [
        json.dumps(json.loads(line)["record"]) for line in lines[:4]
    ]
    assert type(read[2].data["name"]) is int
    assert str(read[4].data).startswith("not valid JSON")
    assert [raw.location.rsplit(":", 1)[1] for raw in read] == [f"line {n}" for n in range(1, 6)]


def test_a_record_orjson_cannot_dump_is_fingerprinted_by_the_standard_library(
    tmp_path: Path,
) -> None:
    """A record's sorted text is orjson's; one orjson refuses (a lone surrogate, an
    integer past 64 bits) still has a text and a fingerprint, with its surrogate escaped
    (so the batch path leaves it to the record-by-record one, which names the field)."""
    plain = RawRecord("x:line 1", "Agency", {"name": "café", "id": "A-1"})
    lone = RawRecord("x:line 2", "Agency", {"name": "\ud800", "id": "A-2"})
    big = RawRecord("x:line 3", "Agency", {"name": 2**70, "id": "A-3"})
    assert prepare(plain)[0] == '{"id":"A-1","name":"café"}'
    assert prepare(lone)[0] == '{"id":"A-2","name":"\\ud800"}'
    assert prepare(big)[0] == f'{{"id":"A-3","name":{2**70}}}'
    assert all(prepare(raw)[1] is not None for raw in (plain, lone, big))
    # orjson writes NaN as null, which an optional field takes for absent: a number that
    # is not an integer is read as one only the standard library dumps.
    path = tmp_path / "nan.jsonl"
    path.write_text(
        '{"type": "Household", "record": {"id": "H-1", "address_line": "1 Road", '
        '"postcode": "WV13 4GL", "locality": NaN}}\n',
        encoding="utf-8",
    )
    [nan] = read_records(path)
    assert prepare(nan)[0] == (
        '{"address_line":"1 Road","id":"H-1","locality":NaN,"postcode":"WV13 4GL"}'
    )
    [checked] = validate_batch([(nan, *prepare(nan))])
    assert [p.field for p in checked.problems] == ["locality"]
    parsed = validate_batch([(raw, *prepare(raw)) for raw in (plain, lone, big)])
    assert [p.problems[0].field for p in parsed[1:]] == ["name", "name"]


def test_claiming_an_id_answers_as_known_then_keep(tmp_path: Path) -> None:
    ids = IdFile(tmp_path)
    assert ids.claim("Child", "C-1", b"a") is None
    assert ids.claim("Child", "C-1", b"a") == b"a"  # the same record again
    assert ids.claim("Child", "C-1", b"b") == b"a"  # another record with its id: not kept
    assert ids.known("Child", "C-1") == b"a"
    ids.keep("Child", "C-2", b"c", unchanged=True)
    ids.flush()
    assert ids.claim("Child", "C-2", b"c") == b"c"
    assert ids.state("Child", "C-2") == (b"c", True, True)  # to write, and as stored
    assert ids.take("Child", "C-1") == b"a"
    assert ids.claim("Child", "C-1", b"d") is None  # taken: no longer to write
    assert ids.to_write() == 2
    ids.close()
